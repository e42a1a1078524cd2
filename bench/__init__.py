"""Benchmarks: ``./dev bench`` (or ``python -m bench``) runs all and prints one table."""
