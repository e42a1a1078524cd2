"""Which record a MARC record is: its catalogue id, as the library system that sent it means.

Most systems identify a bibliographic record by its control number, 001, qualified by the
agency that assigned it (003): "SE-LIBR:7149593", or "marc:7149593" without a 003.

Koha does not.  A Koha biblio is its biblionumber, 999 $c; its 001 is whatever the source of
copy cataloguing put there (an LC or Libris control number, often without 003), so two Koha
biblios copy-catalogued from one source record - the book and its talking book, or one Libris
record imported by two branches - share an 001.  Taken as the id, they became one record:
the first biblio's copies vanished from the catalogue, and when Koha's "Merge records" then
deleted one of them over OAI-PMH, the one shared record went with it (records3-4).  So a Koha
record (999 $c beside Koha's own 942/952 fields) is ``koha:`` + its biblionumber, whatever its
001 says.  (999 $c alone is not Koha's: SirsiDynix writes the copy number there.)

Catalogues loaded before this rule keep their rows: the id the old rule gave (003+001) is
``legacy``, and the import renames that row to the new id the first time the record comes
again (:meth:`catalog.writes.Writes.adopt_legacy_id`), so a re-import or the next harvest
updates the record a library already has instead of adding a second one beside it.
"""

from __future__ import annotations

from catalog.importers.fields import RecordLike, control, sub

_KOHA_FIELDS = ("942", "952")


def koha_biblionumber(record: RecordLike) -> str | None:
    """Koha's 999 $c, when the record is a Koha one (it has Koha's 942 or 952 too)."""
    for field in record.get_fields("999"):
        biblio = (sub(field, "c") or "").strip()
        if biblio:
            if any(record.get(tag) is not None for tag in _KOHA_FIELDS):
                return biblio
            break
    return None


def record_ids(record: RecordLike, isbn_keys: list[str]) -> tuple[str | None, str | None]:
    """(the record's id, the id an older version gave it when that differs, else ``None``).

    The id: Koha's biblionumber (see the module docstring); else 003+001 (001 alone is
    unique only within its source); else 999 $c, 035, the first ISBN."""
    number = control(record, "001").strip()
    own = f"{control(record, '003').strip() or 'marc'}:{number}" if number else None
    biblio = koha_biblionumber(record)
    if biblio is not None:
        new = f"koha:{biblio}"
        return new, own if own not in (None, new) else None
    if own is not None:
        return own, None
    for field in record.get_fields("999"):
        biblio = sub(field, "c")
        if biblio:
            return f"koha:{biblio.strip()}", None
    for field in record.get_fields("035"):
        value = sub(field, "a")
        if value:
            return f"035:{value.strip()}", None
    if isbn_keys:
        return f"isbn:{isbn_keys[0]}", None
    return None, None
