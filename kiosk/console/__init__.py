"""The staff web console (``talkcat console``): catalogue and kiosk in a browser.

``command`` holds the CLI entry and imports nothing of the web stack until the command runs;
``app`` builds the Starlette application; ``pages`` renders the pages; ``security``, ``imports``,
``speech``, ``phrase_editor``, ``monitor`` and ``state`` each keep one concern.
"""
