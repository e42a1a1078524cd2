"""Tests of `hardware/` (a package: helpers are imported by their full name)."""
