"""Benchmarks: speed targets measured outside the test suite (``python -m bench NAME``)."""
