"""Errors of the kiosk room.  The CLI turns them into messages and exit codes."""

from __future__ import annotations

from catalog.errors import TalkcatError


class ConfigError(TalkcatError):
    """One or more configuration problems, reported all at once.

    ``problems`` holds one ``"file: section.key: message"`` line per problem.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))
