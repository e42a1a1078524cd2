"""``echo:TEXT[,TEXT...]`` - a reader that "scans" its target once per open, then idles.

The smallest complete driver: it satisfies ``hardware.protocols.Reader`` structurally (no base
class), declares its options, and is found through the ``talkcat.readers`` entry point.
``talkcat run --reader echo:9789129688313`` therefore announces that book once.
"""

from __future__ import annotations

import threading

from hardware.protocols import Frame, Option


class EchoReader:
    OPTIONS = (
        Option("kind", str, "barcode", "kind of the frames", choices=("barcode", "rfid", "typed")),
        Option("times", int, 1, "how often each identifier is sent per open"),
    )

    def __init__(self, target: str | None, *, kind: str = "barcode", times: int = 1) -> None:
        self.items = [t.strip() for t in (target or "").split(",") if t.strip()]
        self.kind = kind
        self.times = times
        self._queue: list[Frame] = []
        self._closed = threading.Event()

    def open(self) -> None:
        self._closed.clear()
        self._queue = [
            Frame(text=item, raw=item.encode(), kind=self.kind)  # type: ignore[arg-type]
            for item in self.items
            for _ in range(self.times)
        ]

    def read(self, timeout: float) -> Frame | None:
        if self._queue:
            return self._queue.pop(0)
        self._closed.wait(max(0.0, timeout))
        return None

    def close(self) -> None:
        self._closed.set()
