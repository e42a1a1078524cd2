"""The one search: ``talkcat search``, the console's search page and the kiosk's browse list all
come here, and its work is bounded at any catalogue size.

What a person typed becomes an FTS5 query of quoted terms (:func:`fts_query`), so FTS5 syntax
in it (``"``, ``*``, ``NEAR``, ``AND``, ``-``, ``:``, ``^``) is only data.  A word of two or
more letters matches the start of a word; a single letter matches only a word of one letter
(as a prefix it would merge every term that starts with it, a twentieth of the index).  Two-
to four-letter prefixes read the index's ready-made prefix lists (``catalog.schema.PREFIX``).

Ranking (bm25) costs tens of microseconds per matching record, and one common word can match
150,000 records of a million-item catalogue.  So a page is made in two steps: the matching
row ids in catalogue order up to ``rank_limit`` + 1 (the index's lists only, stopping there),
then, when there are at most ``rank_limit`` matches, the page ranked as FTS5 ranks them; when
there are more, the page in catalogue order - said so by the caller, because a person then
adds a word rather than reads on.  The count is exact up to the limit and "more than" beyond.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from catalog.records import Record, record_from_dict

RANK_LIMIT = 300
"""Matches ranked exactly; beyond this, catalogue order."""

_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """What a person typed as a safe FTS5 query: every word must match; ``None`` for no word.

    The text is NFC-normalised first, so a decomposed "Ö" (O + combining diaeresis, as some
    keyboards and pasted text send it) stays one word.
    """
    typed = _WORD.findall(unicodedata.normalize("NFC", text))
    words = list(dict.fromkeys(w.lower() for w in typed))  # lower as FTS5 does: "ß" stays
    if not words:
        return None
    # A word that starts another word of the query asks nothing more ("sommar sommaren"):
    # dropped, since each costs a pass over its index list.
    needed = [
        w for w in words
        if len(w) == 1 or not any(o != w and o.startswith(w) for o in words)
    ]
    return " ".join('"' + w.replace('"', '""') + ('"*' if len(w) > 1 else '"') for w in needed)


def search_page(
    catalog: Any, text: str, offset: int = 0, limit: int = 20, rank_limit: int | None = None
) -> tuple[list[Record], int, bool]:
    """``(records, matches, ranked)``; ``matches`` is ``rank_limit + 1`` for "more than".

    ``catalog`` is an open :class:`catalog.store.Catalog`; its connection is used under its
    lock.
    """
    rank_limit = RANK_LIMIT if rank_limit is None else rank_limit
    query = fts_query(text)
    if query is None:
        return [], 0, True
    conn, lock = catalog._conn, catalog._lock  # the catalogue's own connection and its lock
    with lock:
        # One pass over the index gives both the count (up to the limit) and, when there are
        # too many to rank, the page itself.
        rowids = [
            rowid
            for (rowid,) in conn.execute(
                "SELECT rowid FROM records_fts WHERE records_fts MATCH ? ORDER BY rowid LIMIT ?",
                (query, max(rank_limit + 1, offset + limit)),
            )
        ]
        matches = min(len(rowids), rank_limit + 1)
        ranked = len(rowids) <= rank_limit
        if ranked:
            rows = conn.execute(
                "SELECT r.data FROM records_fts AS f JOIN records AS r ON r.rowid = f.rowid"
                " WHERE records_fts MATCH ? ORDER BY f.rank LIMIT ? OFFSET ?",
                (query, int(limit), int(offset)),
            ).fetchall()
        else:
            page = rowids[offset : offset + limit]
            found = dict(
                conn.execute(
                    f"SELECT rowid, data FROM records WHERE rowid IN ({','.join('?' * len(page))})",
                    page,
                ).fetchall()
            ) if page else {}
            rows = [(found[r],) for r in page if r in found]
    return [record_from_dict(json.loads(data)) for (data,) in rows], matches, ranked
