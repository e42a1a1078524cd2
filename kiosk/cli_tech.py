"""Technician commands: drivers, doctor, reader-test."""

from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Attach the technician commands to the ``talkcat`` group."""
