"""Run every benchmark in bench/ and print its tables (`make bench`); `python -m bench eval` runs
only the evaluation benchmark (imx vs hand-written SQL, pandas and a single scan)."""

from __future__ import annotations

import sys

from bench import check_speed, eval_speed


def main(argv: list[str]) -> int:
    if argv[:1] == ["eval"]:
        return eval_speed.main(argv[1:])
    check_speed.main()
    return eval_speed.main([])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
