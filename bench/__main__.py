"""Run every benchmark in bench/ and print its tables (`make bench`: check speed, editor latency,
evaluation, unit rows at 1M and 10M, series, the library's growth at 1M and 10M).

`python -m bench eval` runs only the evaluation benchmark (imx vs hand-written SQL, pandas and a
single scan), `python -m bench check` only the check-speed one, `python -m bench units` the cost
of unit rows, `python -m bench series` a `series month` metric against the same metric without
it, `python -m bench lsp` the editor latency of `imx lsp`, `python -m bench growth` the whole
library's peak memory and CPU time against the 47 metrics it had on 2026-11-29, `python -m bench
spark` the Spark engine in local mode (time, the driver's and the JVM's peak memory; it needs
Java, so `make bench` leaves it out)."""

from __future__ import annotations

import subprocess
import sys

from bench import (
    check_speed,
    eval_speed,
    library_growth,
    lsp_speed,
    series_speed,
    spark_speed,
    units_speed,
)


def main(argv: list[str]) -> int:
    if argv[:1] == ["eval"]:
        return eval_speed.main(argv[1:])
    if argv[:1] == ["units"]:
        return units_speed.main(argv[1:])
    if argv[:1] == ["series"]:
        return series_speed.main(argv[1:])
    if argv[:1] == ["growth"]:
        return library_growth.main(argv[1:])
    if argv[:1] == ["spark"]:
        return spark_speed.main(argv[1:])
    if argv[:1] == ["lsp"]:
        return lsp_speed.main(argv[1:])
    if argv[:1] == ["check"]:
        check_speed.main()
        return 0
    # each benchmark in a process of its own: Linux reports a child's peak RSS as at least its
    # parent's RSS when it started, and the check benchmark parses 2,000 metrics in process
    parts = (
        ["check"],
        ["lsp"],
        ["eval"],
        ["units", "--sizes", "1M,10M"],
        ["series"],
        ["growth", "--sizes", "1M,10M"],
    )
    for part in parts:
        done = subprocess.run([sys.executable, "-m", "bench", *part], check=False)
        if done.returncode:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
