"""imx: define, check and evaluate clinical-trial imaging performance metrics (the Python facade)."""

from __future__ import annotations

__version__ = "0.1.0"
