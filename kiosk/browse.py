"""Browse: the shelf walk a blind visitor cannot do by eye.

After a book is scanned, **next** and **previous** step through more by the same author, then
the rest of the same series, then more on the same subject - each step announced with where it
is ("Mer av Astrid Lindgren, 2 av 14") before the book's own level one.  One flat walk, built
once per scanned book: a book that is both by the author and in the series is heard once, in
the author group.

The catalogue is any object with ``search(text, limit) -> list[Record]`` (``catalog.store.
Catalog``).  Full-text search finds candidates (every word, as a prefix, in title, people,
series or subjects); this module keeps only exact matches on the field that matters, so
"Lindgren" in a title does not make a book "by Astrid Lindgren".  A dedicated indexed query
(``Catalog.by_author/by_series/by_subject``) would be exact and cheaper; see the report.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk import levels
from kiosk.phrasing import Utterance, clean

log = logging.getLogger(__name__)

GROUPS: tuple[str, ...] = ("author", "series", "subject")
"""The order of the walk."""


class Searchable(Protocol):
    def search(self, text: str, limit: int = 20) -> list[Any]: ...


@dataclass(frozen=True)
class BrowseStep:
    """One step of the walk.

    ``group`` is "author", "series" or "subject" (a book, ``position`` of ``total`` in that
    group), "back" (returned to the scanned book), or "end", "start", "nothing" (no book:
    the end of the walk, its start, or nothing scanned yet).
    """

    group: str
    record: Any = None
    label: str | None = None
    position: int = 0
    total: int = 0

    def utterance(
        self, lang: str, verbose: bool = True, *, phrases_dir: str | None = None
    ) -> Utterance:
        """What the visitor hears: the announcement, then the book's level one."""
        if self.record is None:
            return levels.message(f"browse_{self.group}", lang, phrases_dir=phrases_dir)
        if self.group == "back":
            heading = levels.message("browse_back", lang, phrases_dir=phrases_dir)
        else:
            label = self.label or ""
            voice = levels.voice_for(self.record, lang, label)
            values: dict[str, str | levels.Speech] = {
                "position": str(self.position),
                "total": str(self.total),
                "name": label,
                # A series name is a title: said in the book's own language.
                "series": levels.Speech.of(label, voice),
                "subject": label,
            }
            heading = levels.message(
                f"browse_{self.group}", lang, phrases_dir=phrases_dir, **values
            )
        one = levels.level_one(self.record, lang, verbose, phrases_dir=phrases_dir)
        return Utterance(
            text=f"{heading.text} {one.text}",
            lang=lang,
            item=one.item,
            kind="record",
            segments=heading.segments + one.segments,
        )


# Starts only where a run of spaces starts (or at the dashes): "\s*--" tried from every space
# of a long run is quadratic.
_DOUBLE_DASH = re.compile(r"(?<!\s)\s*--\s*")


def _key(text: str | None) -> str:
    """Compare catalogue headings loosely: case, punctuation and spacing do not matter."""
    return " ".join(re.findall(r"\w+", clean(text).casefold()))


def _person_key(name: str) -> str:
    return _key(levels.person(name))


def _subject_key(heading: str) -> str:
    return _key(_DOUBLE_DASH.sub(" ", heading or ""))


def _series_order(record: Any) -> tuple[int, float, str]:
    number = re.search(r"\d+", getattr(record, "series_number", None) or "")
    return (0 if number else 1, int(number.group(0)) if number else 0, _title_key(record))


def _title_key(record: Any) -> str:
    return _key(getattr(record, "title", ""))


def _title_order(record: Any) -> tuple[str, int]:
    return (_title_key(record), getattr(record, "year", None) or 0)


class Browser:
    """Next/previous around the last scanned book.  Call :meth:`start` on every scan."""

    def __init__(
        self,
        catalog: Searchable,
        *,
        limit: int = 500,
        rank: Callable[[Any], int] | None = None,
    ) -> None:
        self.catalog = catalog
        self.limit = limit
        self.rank = rank
        """Within each group, lower first (``[availability] browse_on_shelf_first``)."""
        self.anchor: Any = None
        self._walk: list[BrowseStep] | None = None
        self._cursor = -1  # -1: at the scanned book itself

    def start(self, record: Any) -> None:
        """A new book was scanned: the walk starts again from it (built on first use)."""
        self.anchor = record
        self._walk = None
        self._cursor = -1

    def refresh(self) -> None:
        """Build the walk again on its next use, unless the visitor is already walking it."""
        if self._cursor == -1:
            self._walk = None

    def clear(self) -> None:
        """Forget the book (idle reset)."""
        self.start(None)

    def next(self) -> BrowseStep:
        walk = self.walk()
        if self.anchor is None:
            return BrowseStep("nothing")
        if self._cursor + 1 >= len(walk):
            self._cursor = len(walk)
            return BrowseStep("end")
        self._cursor += 1
        return walk[self._cursor]

    def previous(self) -> BrowseStep:
        walk = self.walk()
        if self.anchor is None:
            return BrowseStep("nothing")
        if self._cursor <= -1:
            return BrowseStep("start")
        self._cursor = min(self._cursor, len(walk)) - 1
        if self._cursor == -1:
            return BrowseStep("back", self.anchor)
        return walk[self._cursor]

    @property
    def current(self) -> Any:
        """The book the visitor is at now ("more" speaks its levels)."""
        if self._walk and 0 <= self._cursor < len(self._walk):
            return self._walk[self._cursor].record
        return self.anchor

    # ------------------------------------------------------------------ the walk

    def walk(self) -> list[BrowseStep]:
        """Every step after the scanned book, in order (searched once per book)."""
        if self._walk is None:
            self._walk = self._build() if self.anchor is not None else []
        return self._walk

    def _build(self) -> list[BrowseStep]:
        anchor = self.anchor
        seen = {anchor.id}
        steps: list[BrowseStep] = []
        for group, label, records in self._groups(anchor):
            fresh = [r for r in records if r.id not in seen]
            if self.rank is not None:
                fresh.sort(key=self.rank)  # stable: the usual order within each rank
            seen.update(r.id for r in fresh)
            steps.extend(BrowseStep(group, r, label, i, len(fresh)) for i, r in enumerate(fresh, 1))
        return steps

    def _groups(self, anchor: Any) -> Iterable[tuple[str, str, list[Any]]]:
        authors = [a for a in getattr(anchor, "authors", ()) or () if clean(a)]
        if authors:
            who = _person_key(authors[0])
            # An organisation (Record.corporate) is named as written, not turned round.
            corporate = authors[0] in (getattr(anchor, "corporate", ()) or ())
            name = clean(authors[0]) if corporate else levels.person(authors[0])
            found = self._find(
                name,
                lambda r: any(_person_key(a) == who for a in getattr(r, "authors", ()) or ()),
            )
            yield "author", name, sorted(found, key=_title_order)
        series = clean(getattr(anchor, "series", None))
        if series:
            key = _key(series)
            found = self._find(series, lambda r: _key(getattr(r, "series", None)) == key)
            yield "series", series, sorted(found, key=_series_order)
        subjects = [s for s in getattr(anchor, "subjects", ()) or () if clean(s)]
        if subjects:
            key = _subject_key(subjects[0])
            found = self._find(
                _DOUBLE_DASH.sub(" ", subjects[0]),
                lambda r: any(_subject_key(s) == key for s in getattr(r, "subjects", ()) or ()),
            )
            label = levels.subject_heading(subjects[0])
            yield "subject", label, sorted(found, key=_title_order)

    def _find(self, text: str, keep: Callable[[Any], bool]) -> list[Any]:
        candidates = self.catalog.search(text, self.limit)
        if len(candidates) >= self.limit:
            log.warning(
                "browse: %r matched %d or more records; some may be missing", text, self.limit
            )
        unique = {r.id: r for r in candidates if keep(r) and r.id != self.anchor.id}
        return list(unique.values())
