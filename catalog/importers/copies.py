"""The copies a MARC record describes: Koha 952, MARC 852/876, Evergreen 949.

A bibliographic record may carry its items (Koha, Evergreen) and a MARC holdings record
(leader/06 u, v, x, y) carries them for a record loaded earlier; both are read here into one
:class:`Copies`, whose barcodes become lookup keys and whose withdrawn or lost items are
spoken as "not on the shelf".
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from catalog.errors import InvalidIdentifier
from catalog.identifiers import identifier_keys
from catalog.importers.fields import RecordLike, firsts, sub, subs
from catalog.punctuation import clean, nfc


@dataclass
class Copies:
    """The copies a record (or a holdings record) describes."""

    barcodes: list[str] = dataclasses.field(default_factory=list)
    keys: list[str] = dataclasses.field(default_factory=list)
    unavailable: set[str] = dataclasses.field(default_factory=set)
    locations: list[str] = dataclasses.field(default_factory=list)
    any_copy: bool = False
    any_available: bool = False

    def add(
        self, barcode: str | None, where: list[str | None], available: bool, notes: list[str]
    ) -> None:
        self.any_copy = True
        self.any_available = self.any_available or available
        place = " ".join(c for c in (clean(w) for w in where if w) if c)
        if place and available and place not in self.locations:
            self.locations.append(place)
        if barcode:
            try:
                found = identifier_keys(nfc(barcode), "barcode")
            except InvalidIdentifier as exc:
                notes.append(f"copy barcode left out: {exc}")
                return
            self.barcodes.append(found[0])
            self.keys.extend(found)
            if not available:
                self.unavailable.update(found)


def _flag(value: str | None) -> bool:
    """Koha's status subfields: empty or 0 means "no"."""
    return bool(value) and value.strip() not in ("", "0")


_GONE = re.compile("withdrawn|lost|gallrad|förlorad|missing|saknas")


def read_copies(record: RecordLike, notes: list[str]) -> Copies:
    """Copies from Koha 952, MARC 852/876 and Evergreen 949; problems go to ``notes``."""
    copies = Copies()
    for f in record.get_fields("952"):  # Koha: $0 withdrawn, $1 lost, $7 not for loan
        get = firsts(f).get
        # A negative $7 is "on order" in Koha's default values: not on the shelf either.
        # ($q, a loan's due date, is a snapshot already stale: loans come live over SIP2.)
        gone = _flag(get("0")) or _flag(get("1")) or _flag(get("7"))
        copies.add(get("p"), [get("a"), get("c"), get("o")], not gone, notes)
    items = record.get_fields("876")
    shelf: list[str | None] = []
    for f in record.get_fields("852"):  # MARC holdings location (+ $p piece designation)
        where = [sub(f, "b"), sub(f, "c"), *subs(f, "hijk")]
        if items and not sub(f, "p"):
            # Alma/Evergreen: the location of the items listed in 876, not a copy itself - all
            # of them lost or missing, nothing is on this shelf (records3-9).
            shelf = shelf or where
            continue
        copies.add(sub(f, "p"), where, True, notes)
    for f in items:  # item information: $p barcode, $j status, $l (temporary) location
        status = (sub(f, "j") or "")[:200].lower()
        gone = _GONE.search(status) is not None
        copies.add(sub(f, "p"), [sub(f, "l")] if sub(f, "l") else shelf, not gone, notes)
    for f in record.get_fields("949"):  # Evergreen: $i barcode
        copies.add(sub(f, "i"), [sub(f, "l"), sub(f, "a")], True, notes)
    return copies
