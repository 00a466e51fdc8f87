"""A run's phases, measured as each ends → the table ``imx run --profile`` prints: where the time
and the memory go.

The command line marks the end of each phase: loading the data, planning, each grain's unit rows
(the one scan of its events, marked by the engine), each metric's aggregates over them,
finalizing, the scorecard, writing. A phase's time is the time since the previous mark, so the
phases add up to the run's whole time; beside it the process's CPU time in the phase (every
thread's, so a phase on two busy threads shows up to twice its seconds; on a shared machine CPU
time is the steadier measure of the work), and the process's peak memory (RSS) so far, so the
phase that raised it is the one whose figure grows:

>>> ticks = iter([0.0, 1.5, 1.75, 4.0])
>>> cpu = iter([0.0, 2.5, 2.75, 5.0])
>>> peaks = iter([100.0, 120.0, 300.0])
>>> profile = Profile(clock=lambda: next(ticks), cpu=lambda: next(cpu), peak=lambda: next(peaks))
>>> for label in ("load", "plan", "metric XFER-CT"):
...     profile.mark(label)
>>> print(profile.render())
phase             seconds    cpu s  share  peak MiB
load                1.500    2.500  37.5%       100
plan                0.250    0.250   6.2%       120
metric XFER-CT      2.250    2.250  56.2%       300
total               4.000    5.000   100%       300
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field


def peak_mib() -> float:
    """This process's peak resident memory so far, in MiB (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


@dataclass
class Profile:
    """The phases of one run, in order, each with its seconds, CPU seconds and the peak memory
    (MiB) at its end."""

    clock: Callable[[], float] = time.perf_counter
    cpu: Callable[[], float] = time.process_time
    peak: Callable[[], float] = peak_mib
    phases: list[tuple[str, float, float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._last = self.clock()
        self._last_cpu = self.cpu()

    def mark(self, label: str) -> None:
        """The phase ``label`` ends now."""
        now, cpu = self.clock(), self.cpu()
        self.phases.append((label, now - self._last, cpu - self._last_cpu, self.peak()))
        self._last, self._last_cpu = now, cpu

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds, _, _ in self.phases)

    def render(self) -> str:
        """A table of the phases: seconds, CPU seconds, share of the whole run, peak MiB."""
        total = self.total
        width = max([len("phase"), len("total")] + [len(p[0]) for p in self.phases]) + 2
        lines = [f"{'phase':<{width}}{'seconds':>9}{'cpu s':>9}  share  peak MiB"]
        for label, seconds, cpu, peak in self.phases:
            share = f"{100 * seconds / total:.1f}%" if total else "-"
            lines.append(f"{label:<{width}}{seconds:>9.3f}{cpu:>9.3f}  {share:>5}{peak:>10.0f}")
        cpu_total = sum(p[2] for p in self.phases)
        top = max((p[3] for p in self.phases), default=0.0)
        lines.append(f"{'total':<{width}}{total:>9.3f}{cpu_total:>9.3f}  {'100%':>5}{top:>10.0f}")
        return "\n".join(lines)
