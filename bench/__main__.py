"""Run every benchmark in bench/ and print its table (`make bench`)."""

from __future__ import annotations

import sys

from bench import check_speed


def main() -> int:
    check_speed.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
