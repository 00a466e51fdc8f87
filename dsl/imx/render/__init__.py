"""Rendering: diagnostics, scorecards, reports and handbook pages from models and results."""
