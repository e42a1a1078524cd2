"""The ``talkcat`` command line: the public contract staff scripts and monitoring rely on.

Exit codes: 0 success, 1 "not found" / nothing usable, 2 invalid input or usage, 3 a device or
catalogue could not be opened.  Library code raises; only this module prints and exits.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="talking-catalogue")
def main() -> None:
    """Talking Catalogue: scan a book, hear its title and author."""


def _attach_subcommands() -> None:
    # Staff and technician commands live in their own modules to keep this one readable.
    from kiosk import cli_staff, cli_tech

    cli_staff.register(main)
    cli_tech.register(main)


_attach_subcommands()
