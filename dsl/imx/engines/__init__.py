"""Engines run a plan's compiled SQL over a Dataset's Arrow tables and return raw aggregates."""
