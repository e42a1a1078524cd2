"""``echo:TEXT[,TEXT...]`` - a reader that "scans" its target once per open, then idles.

The smallest complete third-party driver, packaged as a technician would package one:

- it satisfies ``hardware.protocols.Reader`` structurally (no base class);
- it declares its options once (``OPTIONS``): ``talkcat drivers`` lists them, the ``[reader]``
  section of kiosk.toml is validated against exactly them, and their values reach ``__init__``;
- it answers ``talkcat doctor`` through ``check()``;
- it is found through the ``talkcat.readers`` entry point (``pyproject.toml``).

``talkcat run --reader echo:9789129688313`` therefore announces that book once, and with
``[reader] driver = "echo"``, ``target = "9789129688313"``, ``times = 2`` twice.
"""

from __future__ import annotations

import threading

from hardware.protocols import Check, Frame, Option


class EchoReader:
    OPTIONS = (
        Option("kind", str, "barcode", "kind of the frames", choices=("barcode", "rfid", "typed")),
        Option("times", int, 1, "how often each identifier is sent per open", minimum=1,
               maximum=100),
    )

    def __init__(self, target: str | None, *, kind: str = "barcode", times: int = 1) -> None:
        self.items = [t.strip() for t in (target or "").split(",") if t.strip()]
        self.kind = kind
        self.times = times
        self._queue: list[Frame] = []
        self._closed = threading.Event()

    @classmethod
    def check(cls) -> list[Check]:
        """What ``talkcat doctor`` prints for this driver: it has no device, so it is always OK.

        A driver for real hardware would look for its device here and return a ``WARN`` with
        the fix when it is missing (plain ``(status, what, fix)`` tuples work as well).
        """
        return [Check("OK", "echo: no device needed; repeats its target's identifiers")]

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
