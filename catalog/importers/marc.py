"""MARC21 import, as it was imported before the split (issue 11): the names live on in
:mod:`.iso2709` (framing, resync, decoding), :mod:`.mapping` (fields -> record, shared by
every source of MARC records) and :mod:`.marcxml`; this module only re-exports them so
existing imports keep working.  New code imports from those modules."""

from __future__ import annotations

from catalog.importers.copies import Copies
from catalog.importers.fields import MarcField, MarcRecord
from catalog.importers.iso2709 import (
    FIELD_TERMINATOR,
    MAX_RECORD,
    RECORD_TERMINATOR,
    check_structure,
    decode_chunk,
    decode_piece,
    iter_chunks,
    iter_pieces,
    needs_rescue,
    parse_piece,
    read_iso2709,
    regular_layout,
    split_rescued,
)
from catalog.importers.mapping import map_record, record_from_marc
from catalog.importers.marcxml import read_marcxml, record_from_element
from catalog.importers.relators import AUTHOR_CODES, NARRATOR_CODES
from catalog.punctuation import clean, nfc

__all__ = [
    "AUTHOR_CODES",
    "FIELD_TERMINATOR",
    "MAX_RECORD",
    "NARRATOR_CODES",
    "RECORD_TERMINATOR",
    "Copies",
    "MarcField",
    "MarcRecord",
    "check_structure",
    "clean",
    "decode_chunk",
    "decode_piece",
    "iter_chunks",
    "iter_pieces",
    "map_record",
    "needs_rescue",
    "nfc",
    "parse_piece",
    "read_iso2709",
    "read_marcxml",
    "record_from_element",
    "record_from_marc",
    "regular_layout",
    "split_rescued",
]
