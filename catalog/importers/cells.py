"""How a spreadsheet cell in direct order ("Suzanne Collins", Goodreads) lists people.

In such a file a comma between full names separates people (:func:`catalog.importers.rows`).
A cell whose one-word author comes first - "Homer, Robert Fagles, E.V. Rieu, Bernard Knox",
"Aesop, Laura Harris, Laura Gibbs", "Unknown, Carlo Collodi, ..." (41 rows of goodbooks-10k)
- has a piece without a space, so that rule kept it one person, and speech turned it round
("Robert Fagles, E V Rieu, Bernard Knox Homer").  A person written "Surname, Given" has one
comma; two or more make a list, unless a piece is a date or a suffix ("King, Martin Luther,
Jr.", "Lagerlöf, Selma, 1858-1940": one heading).
"""

from __future__ import annotations

import re

_NOT_A_PERSON = re.compile(r"\d|^(?:[JS]r\.?|Junior|Senior|d\.[yä]\.)$", re.IGNORECASE)
"""A piece of a heading that is not a person: a date or a suffix ("Jr.")."""


def several_people(pieces: list[str]) -> bool:
    """Are these comma-separated pieces of one cell (already stripped) a list of people?"""
    return len(pieces) > 2 and all(p and not _NOT_A_PERSON.search(p) for p in pieces)
