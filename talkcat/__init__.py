"""Neutral ground shared by every room: only the error family lives here.

``catalog``, ``hardware`` and ``kiosk`` may all import this package; it imports none of them,
so no room has to reach into another to raise an error the CLI understands.
"""
