"""Benchmarks for imx: speed and memory figures printed as ratios against named baselines."""
