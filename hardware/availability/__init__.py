"""Live availability: which copies of a book are on the shelf now, asked of the library system.

A driver of the ``talkcat.availability`` kind (the SIP2 driver is built in; a library can add,
say, a Koha ILS-DI or Alma driver as a package) is constructed from the ``[availability]``
section and answers one question: for these item barcodes, what is each copy's state?

    class MyDriver:
        OPTIONS = (Option("url", str, "", "where the library system answers"), ...)
        def __init__(self, target=None, **options): ...
        def lookup(self, barcodes: Sequence[str], deadline: float) -> Availability: ...
        def check(self) -> str: ...          # one line for ``talkcat doctor``; raise on fault
        def close(self) -> None: ...

``deadline`` is a ``time.monotonic()`` value: the driver gives up then (raising
:class:`AvailabilityError`) rather than keep the kiosk's worker busy.  Everything here is
plain data the kiosk phrases; nothing speaks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Protocol

from hardware.errors import HardwareError


class AvailabilityError(HardwareError):
    """The library system could not answer (down, refused, slow, garbage); says which."""


class Circulation(Enum):
    """A copy's circulation status, as SIP2 2.00 names them (field 18's two digits)."""

    OTHER = "01"
    ON_ORDER = "02"
    AVAILABLE = "03"
    CHARGED = "04"
    CHARGED_NOT_RECALLABLE = "05"
    IN_PROCESS = "06"
    RECALLED = "07"
    ON_HOLD_SHELF = "08"
    RESHELVING = "09"
    IN_TRANSIT = "10"
    CLAIMED_RETURNED = "11"
    LOST = "12"
    MISSING = "13"

    @classmethod
    def from_code(cls, code: str) -> Circulation:
        """Any code a server sends; one the standard does not know is ``OTHER``."""
        try:
            return cls(code)
        except ValueError:
            return cls.OTHER

    @property
    def on_shelf(self) -> bool:
        return self is Circulation.AVAILABLE

    @property
    def on_loan(self) -> bool:
        """Lent out (and so has a due date); a recalled copy is still with a borrower."""
        return self in (Circulation.CHARGED, Circulation.CHARGED_NOT_RECALLABLE,
                        Circulation.RECALLED)


@dataclass(frozen=True)
class CopyStatus:
    """What the library system said about one copy."""

    barcode: str
    status: Circulation
    due: date | None = None
    permanent_location: str | None = None
    current_location: str | None = None
    screen_message: str | None = None
    title: str | None = None

    @property
    def location(self) -> str | None:
        """Where the copy is now, else where it belongs."""
        return self.current_location or self.permanent_location


@dataclass(frozen=True)
class Availability:
    """The copies asked about, nearest first; ``total`` is how many the catalogue knows."""

    copies: tuple[CopyStatus, ...]
    total: int

    @property
    def on_shelf(self) -> tuple[CopyStatus, ...]:
        return tuple(c for c in self.copies if c.status.on_shelf)

    @property
    def on_loan(self) -> tuple[CopyStatus, ...]:
        return tuple(c for c in self.copies if c.status.on_loan)

    @property
    def first_due(self) -> date | None:
        dates = [c.due for c in self.on_loan if c.due is not None]
        return min(dates) if dates else None


class AvailabilitySource(Protocol):
    """What the kiosk needs of a ``talkcat.availability`` driver."""

    def lookup(self, barcodes: Sequence[str], deadline: float) -> Availability: ...
    def check(self) -> str: ...
    def close(self) -> None: ...


# --------------------------------------------------------------------------- due dates

_SIP_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})[A-Z ]{4}\d{6}")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})(?:[T ]?\d{4,6}.*)?")
_DOTTED = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:[ T].*)?")


def parse_due(text: str | None) -> date | None:
    """A due date in any of the forms real servers send, or ``None`` when it is not one.

    SIP2's own ``YYYYMMDDZZZZHHMMSS`` (Evergreen with its SIP date format, most ILSs),
    ISO 8601 with or without time and zone (Koha, Evergreen's default), bare ``YYYYMMDD``,
    ``DD.MM.YYYY``/``DD-MM-YYYY`` (European servers) and ``MM/DD/YYYY`` (American ones).
    A slashed date whose first number cannot be a month is read day first.
    """
    if not text:
        return None
    text = text.strip()[:40]
    for pattern in (_SIP_DATE, _ISO, _COMPACT):  # year, month, day
        match = pattern.fullmatch(text)
        if match:
            y, m, d = (int(g) for g in match.groups())
            return _date(y, m, d)
    match = _DOTTED.fullmatch(text)
    if match:
        first, second, year = (int(g) for g in match.groups())
        separator = text[len(match.group(1))]
        if separator == "/" and first <= 12:  # American month first, unless impossible
            return _date(year, first, second)
        return _date(year, second, first)
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def order_by_location(copies: Sequence[CopyStatus], here: str | None) -> tuple[CopyStatus, ...]:
    """Copies at ``here`` (the kiosk's location code) first, keeping the rest in order."""
    if not here:
        return tuple(copies)
    key = here.casefold()

    def far(copy: CopyStatus) -> int:
        places = {(p or "").casefold() for p in (copy.current_location, copy.permanent_location)}
        return 0 if key in places else 1

    return tuple(sorted(copies, key=far))


def today() -> date:
    return datetime.now().date()
