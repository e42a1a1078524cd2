"""Letters no voice can say: romanisation marks folded to the letters a voice reads.

Library of Congress (ALA-LC) romanisation puts modifier letters and marks on Latin letters in
almost every record of a Russian, Arabic, Hebrew, Persian or Indic name or title: the soft and
hard signs "ʹ" "ʺ" ("Ilʹich", "Podʺezd"), ayn and hamza "ʻ" "ʼ" ("Qurʼān", "ʻim"), dots and
lines below ("Muḥammad", "Kṛṣṇa", "Cuppiramaṇiyan̲"), macrons, and the two halves of a
ligature over "ts" ("Ot︠s︡y").  eSpeak NG spells such a word letter by letter with the code
point's name ("I L letter-2B9 I C H", "Q U R adjective macron N"); a librarian says
"Vladimir Ilich", "Quran".  So the marks are dropped from Latin letters before the voice,
except where the voice's own language writes them (Vietnamese dots below, Latvian and
Lithuanian macrons, the Hawaiian ʻokina).  Cyrillic text keeps its apostrophe ("мʼясо").
"""

from __future__ import annotations

import unicodedata

_MODIFIERS = frozenset("\u02b9\u02ba\u02bb\u02bc\u02bd\u02be\u02bf")
_LIGATURE_HALVES = range(0xFE20, 0xFE30)
_ALWAYS = frozenset({0x0324, 0x0325, 0x032E, 0x0331, 0x0332})  # marks below no voice reads
_NATIVE = {
    0x0323: frozenset({"vi", "yo"}),  # dot below
    0x0304: frozenset({"lv", "lt", "mi", "haw"}),  # macron
}
_OKINA_NATIVE = frozenset({"haw"})


def _latin(ch: str) -> bool:
    return ch.isalpha() and (
        ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff"
    )


def fold_marks(text: str, lang: str) -> str:
    """``text`` with the romanisation marks the ``lang`` voice cannot say dropped."""
    if text.isascii():
        return text
    base = lang.split("-")[0]
    out: list[str] = []
    after_latin = False
    chars = unicodedata.normalize("NFD", text)
    for i, ch in enumerate(chars):
        code = ord(ch)
        if ch in _MODIFIERS:
            # Between or before Latin letters: "Ilʹich", "ʻAbd", "Qurʼān".
            beside = after_latin or (i + 1 < len(chars) and _latin(chars[i + 1]))
            if beside and not (ch == "\u02bb" and base in _OKINA_NATIVE):
                continue
        elif code in _LIGATURE_HALVES:
            continue
        elif unicodedata.combining(ch):
            if after_latin and (code in _ALWAYS or base not in _NATIVE.get(code, {base})):
                continue
        else:
            after_latin = _latin(ch)
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))
