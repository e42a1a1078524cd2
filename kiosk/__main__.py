"""``python -m kiosk`` is ``talkcat``."""

from kiosk.cli import main

main(prog_name="talkcat")
