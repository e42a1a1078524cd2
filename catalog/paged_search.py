"""Search results a page at a time, for the staff console: bounded work at any catalogue size.

``Catalog.search`` ranks every match (FTS5 bm25) before it returns the best few.  Ranking costs
tens of microseconds per matching record, and a one-word query can match 150,000 records of a
million-item catalogue: seconds per page.  So a page is made in two steps: count the matches
up to ``rank_limit`` (cheap: the index's row ids only), then rank them exactly as ``search``
does when there are at most that many, or list them in catalogue order when there are more -
with that said on the page, because a person then adds a word rather than reads on.
"""

from __future__ import annotations

import json
from typing import Any

from catalog.records import Record, record_from_dict
from catalog.store import fts_query

RANK_LIMIT = 300


def search_page(
    catalog: Any, text: str, offset: int = 0, limit: int = 20, rank_limit: int = RANK_LIMIT
) -> tuple[list[Record], int, bool]:
    """``(records, matches, ranked)``; ``matches`` is ``rank_limit + 1`` for "more than"."""
    query = fts_query(text)
    if query is None:
        return [], 0, True
    conn, lock = catalog._conn, catalog._lock  # the catalogue's own connection and its lock
    with lock:
        # One pass over the index gives both the count (up to the limit) and, when there are
        # too many to rank, the page itself: a prefix query's doclists are merged once.
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
