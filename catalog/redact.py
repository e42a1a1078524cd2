"""A password in a URL is never shown: ``http://admin:S3cret@host/oai`` becomes
``http://admin:***@host/oai``.

Some hosted library systems protect their OAI-PMH service with HTTP basic auth, and the
simplest way to give it is in the base URL.  The harvest sends the real credentials on the
wire only; everything a person or a copy of the catalogue can see - log and retry lines, the
final ``talkcat:`` line, ``--report``, the harvest state stored in the catalogue (which
``catalog stats``, ``doctor`` and the console show), the lock holder line another writer
prints - carries this form, as the SIP2 password is never shown.  The user name stays: it
tells a technician which account the kiosk uses.

Plain string work, no URL library: it must also hide the password of a URL that does not
parse (the message saying so quotes it), and the lock module uses it on every writable open.
"""

from __future__ import annotations

import re

HIDDEN = "***"

_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s'\"<>]+")


def redact_url(url: str) -> str:
    """``url`` with the password of its user information replaced by ``***``.

    The user information ends at the last ``@`` of the authority (which ends at the first
    ``/``, ``?`` or ``#``), as ``urllib`` and ``httpx`` read it, so a raw ``@`` in a password
    is hidden too.  When the authority is not ``host[:port]`` but an ``@`` follows before the
    query (a password with a raw ``/``: not a valid URL, but the message saying so must not
    show it), everything up to that ``@`` is taken as user information.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    userinfo, at, host = rest[:end].rpartition("@")
    tail = rest[end:]
    if not at:
        port = rest[:end].rpartition(":")[2] if ":" in rest[:end] else ""
        if port.isdigit() or not port:
            return url
        before_query = rest[: min((i for i in (rest.find(c) for c in "?#") if i >= 0),
                                  default=len(rest))]
        userinfo, at, after = before_query.rpartition("@")
        if not at:
            return url
        host, tail = after, rest[len(before_query):]
    if ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return f"{scheme}://{user}:{HIDDEN}@{host}{tail}"


def redact_text(text: str) -> str:
    """Every URL in ``text`` (a command line, an error message) with its password hidden."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda m: redact_url(m.group(0)), text)


def has_password(url: str) -> bool:
    return redact_url(url) != url
