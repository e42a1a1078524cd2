"""Staff commands: import, export, search, catalogue maintenance."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Attach the staff commands to the ``talkcat`` group."""
