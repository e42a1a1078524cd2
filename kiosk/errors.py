"""Errors of the kiosk room.  The CLI turns them into messages and exit codes."""

from __future__ import annotations

from talkcat.errors import InvalidInput, TalkcatError

__all__ = ["ConfigError", "TalkcatError"]


class ConfigError(InvalidInput):
    """One or more configuration problems, reported all at once: exit 2.

    ``problems`` holds one ``"file: section.key: message"`` line per problem.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))

    def describe(self) -> str:
        if len(self.problems) == 1:  # one problem, one line
            return f"configuration problem: {self.problems[0]}"
        return "configuration problems:\n  " + "\n  ".join(self.problems)
