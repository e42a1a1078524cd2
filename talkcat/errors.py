"""The project's one error family, and the exit code each member means.

Library code raises these with what went wrong and how to fix it; only the root ``talkcat``
command (``kiosk.cli``) turns them into a one-line message and an exit code, in one place.
Each class carries its exit code so a new error needs no new ``except`` clause in the CLI:

- ``1`` not found / nothing usable (``NotFound``)
- ``2`` invalid identifier, input or configuration (``InvalidInput``)
- ``3`` a catalogue or device cannot be opened (``Unavailable``; the default for the root)

The codes are the public CLI contract in README.md ("extend, never break").
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_NOT_FOUND = 1
EXIT_INVALID = 2
EXIT_UNAVAILABLE = 3


class TalkcatError(Exception):
    """Base of every error the project raises on purpose (as opposed to a bug)."""

    exit_code: int = EXIT_UNAVAILABLE

    def describe(self) -> str:
        """The text the CLI prints after ``talkcat: `` (one line, or a header and lines)."""
        return str(self)


class NotFound(TalkcatError):
    """Nothing matched or nothing usable was produced: exit 1."""

    exit_code = EXIT_NOT_FOUND


class InvalidInput(TalkcatError):
    """The input, an identifier or the configuration is wrong; the message says why: exit 2."""

    exit_code = EXIT_INVALID


class Unavailable(TalkcatError):
    """A catalogue, file or device cannot be opened or used: exit 3."""

    exit_code = EXIT_UNAVAILABLE
