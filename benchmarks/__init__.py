"""Speed benchmarks: Carepurse against a raw Starlette baseline measured in the same run.

Run with ``make bench`` (or ``.venv/bin/python -m benchmarks``); see README.md here.
Figures are printed and saved, never asserted: timings belong in reports, not in tests.
"""
