"""One way for a reader to wait: interruptible by ``close``, replaceable by a test's clock."""

from __future__ import annotations

import threading
from collections.abc import Callable


def pause(seconds: float, wake: threading.Event, sleep: Callable[[float], None] | None) -> None:
    """Wait up to ``seconds``; ``wake`` (set by ``close``) cuts it short.

    Tests inject ``sleep`` (a simulated clock's) so timing logic runs without real waiting.
    """
    if seconds <= 0:
        return
    if sleep is not None:
        sleep(seconds)
    else:
        wake.wait(seconds)
