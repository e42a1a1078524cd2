"""Issue 7: faults injected into a running kiosk, bad input, and no way in."""
