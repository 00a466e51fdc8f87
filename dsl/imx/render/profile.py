"""A run's phases, timed as each ends → the table ``imx run --profile`` prints: where the time goes.

The command line marks the end of each phase: loading the data, planning, each grain's unit rows
(the one scan of its events, marked by the engine), each metric's aggregates over them,
finalizing, writing. A phase's time is the time since the previous mark, so the phases add up to
the run's whole time:

>>> ticks = iter([0.0, 1.5, 1.75, 4.0])
>>> profile = Profile(clock=lambda: next(ticks))
>>> for label in ("load", "plan", "metric XFER-CT"):
...     profile.mark(label)
>>> print(profile.render())
phase             seconds  share
load                1.500  37.5%
plan                0.250   6.2%
metric XFER-CT      2.250  56.2%
total               4.000   100%
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Profile:
    """The phases of one run, in order, each with the seconds it took."""

    clock: Callable[[], float] = time.perf_counter
    phases: list[tuple[str, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._last = self.clock()

    def mark(self, label: str) -> None:
        """The phase ``label`` ends now."""
        now = self.clock()
        self.phases.append((label, now - self._last))
        self._last = now

    @property
    def total(self) -> float:
        return sum(seconds for _, seconds in self.phases)

    def render(self) -> str:
        """A table of the phases: seconds and share of the whole run."""
        total = self.total
        width = max([len("phase"), len("total")] + [len(label) for label, _ in self.phases]) + 2
        lines = [f"{'phase':<{width}}{'seconds':>9}  share"]
        for label, seconds in self.phases:
            share = f"{100 * seconds / total:.1f}%" if total else "-"
            lines.append(f"{label:<{width}}{seconds:>9.3f}  {share:>5}")
        lines.append(f"{'total':<{width}}{total:>9.3f}  {'100%':>5}")
        return "\n".join(lines)
