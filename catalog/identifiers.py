"""One normaliser for everything scanned or stored: the catalogue's lookup keys.

A scan arrives as text plus, when the reader sends one, the AIM symbology identifier
(ISO/IEC 15424, ``]E0`` for EAN-13 ...).  :func:`normalise` turns it into an
:class:`Identifier` whose ``value`` is the key the catalogue stores, so that every spelling of
one book or copy meets the same row: ISBN-10 and ISBN-13 of a book give the ISBN-13 digits, an
EAN add-on is dropped, a UPC-A is its 13-digit EAN form, RFID UIDs are upper-case hex without
separators, library barcodes lose their Codabar start/stop characters.

Check digits are verified and never "corrected": a wrong one raises
:class:`~catalog.errors.InvalidIdentifier` naming the digit that was expected, because a kiosk
that guesses would announce the wrong book.

How a bare string (no symbology) is read, in order:

* pairs of hex digits separated by ``:``/``-``/spaces, or 16 hex digits starting ``E0`` (ISO
  15693), or 8/14/20 hex digits containing a letter A-F: an RFID UID;
* ``[A-D]digits[A-D]``: a Codabar library barcode, start/stop stripped;
* ``*...*``: a Code 39 payload;
* 13 digits: the EAN family, check digit enforced - ``9790`` ISMN, ``978``/``979`` ISBN,
  ``977`` ISSN (read back to the ISSN), leading ``0`` UPC-A, anything else EAN-13;
* 15 or 18 digits starting with a valid EAN-13: that EAN with its add-on dropped;
* 10 characters ending in ``X``: an ISBN-10 (check enforced); 10 digits: an ISBN-10 when its
  check digit fits, otherwise a library barcode (ten-digit library barcodes are common);
* ``NNNN-NNNX``: an ISSN (check enforced); ``M`` + 9 digits, hyphens allowed as printed on
  scores ("M-2306-7118-7"): an ISMN-10 (check enforced);
* 12 digits with a valid UPC-A check digit: a UPC-A; 8 characters with a valid ISSN check: an
  ISSN; everything else (letters and digits): a library barcode, kept as is (upper-cased).

A 13-digit library barcode therefore needs its reader to send the AIM symbology (``]C0``,
``]A0``, ``]F0``...): without it, 13 digits are read as an EAN and their check digit enforced.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from stdnum import ean as _ean
from stdnum import issn as _issn

from catalog.errors import InvalidIdentifier

KINDS: tuple[str, ...] = ("isbn", "ean", "issn", "ismn", "upc", "barcode", "rfid", "control")

MAX_LENGTH = 128
"""Longer input is refused outright: no book identifier is this long, and a stuck reader
must not make us do work proportional to its garbage."""


@dataclass(frozen=True)
class Identifier:
    """A normalised identifier: ``kind`` (one of :data:`KINDS`) and the lookup key ``value``."""

    kind: str
    value: str

    def __str__(self) -> str:
        return self.value


# --------------------------------------------------------------------------- cleaning


def _all_digits(text: str) -> bool:
    """ASCII 0-9 only.  ``str.isdigit`` also accepts "³" or "¹" (a Windows-1252 byte in a
    CSV) that ``int`` then refuses, so a check-digit routine raised ValueError instead of
    InvalidIdentifier - found by fuzzing the importers."""
    return text.isascii() and text.isdigit()


_QUALIFIED = re.compile(
    r"^(?P<num>[0-9][0-9 \-]{6,}[0-9Xx])(?:\s*[(\[:;].*|\s+(?![Xx]$)[^\d\s].*)$", re.DOTALL
)
"""A stored ISBN followed by a qualifier: ``91-29-68831-3 (inb.)``, ``0-19-852663-6 : £30``.

At least eight characters before the qualifier (an ISSN is the shortest standard number),
so a short Codabar payload such as ``00:`` stays a barcode and normalising is idempotent."""

_HEX_PAIRS = re.compile(r"^[0-9A-F]{2}(?:[:\- ][0-9A-F]{2}){3,}$")
_HEX = re.compile(r"^[0-9A-F]+$")
_CODABAR = re.compile(r"^[A-DTNE*]([0-9\-$:/.+]+)[A-DTNE*]$")
_ISSN_FORM = re.compile(r"^[0-9]{4}-[0-9]{3}[0-9X]$")
_ISBN_FORM = re.compile(r"^[0-9][0-9\- ]{8,15}[0-9X]$")
_AIM = re.compile(r"^\](?P<sym>[A-Za-z][0-9A-Za-z])")
_SPACE = re.compile(r"\s+")
_SEPARATORS = re.compile(r"[\s\-]")
_ISMN10 = re.compile(r"M[0-9]{9}")


def _strip_controls(text: str) -> str:
    """Drop control/format characters anywhere and surrounding whitespace.

    Readers send CR/LF/STX/ETX, keyboard wedges send tabs, and copy-paste brings zero-width
    spaces; none of them is ever part of an identifier.  Printable ASCII (what almost every
    stored identifier is) has none of them: it only needs the strip.
    """
    if text.isascii() and text.isprintable():
        return text.strip()
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf")).strip()


def _fail(text: str, reason: str) -> InvalidIdentifier:
    return InvalidIdentifier(f"{text!r}: {reason}" if text else reason)


# --------------------------------------------------------------------------- standard numbers


def _ean13(digits: str, label: str) -> None:
    """Raise unless ``digits`` (13 digits) carries the right EAN check digit."""
    expected = _ean.calc_check_digit(digits[:-1])
    if expected != digits[-1]:
        raise InvalidIdentifier(
            f"{label} {digits}: check digit should be {expected}, not {digits[-1]}"
        )


def _isbn10_check(body: str) -> str:
    total = sum((i + 1) * int(d) for i, d in enumerate(body)) % 11
    return "X" if total == 10 else str(total)


def _from_ean13(digits: str) -> Identifier:
    """Classify a 13-digit EAN-family number, enforcing its check digit."""
    if digits.startswith("9790"):
        _ean13(digits, "ISMN")
        return Identifier("ismn", digits)
    if digits.startswith(("978", "979")):
        _ean13(digits, "ISBN")
        return Identifier("isbn", digits)
    _ean13(digits, "EAN-13")
    if digits.startswith("977"):
        body = digits[3:10]
        return Identifier("issn", body + _issn.calc_check_digit(body))
    if digits.startswith("0"):
        return Identifier("upc", digits)
    return Identifier("ean", digits)


def _from_isbn10(chars: str, *, strict: bool) -> Identifier | None:
    """ISBN-10 to its ISBN-13 key; ``None`` when not strict and the check digit is wrong."""
    expected = _isbn10_check(chars[:9])
    if expected != chars[9]:
        if strict:
            raise InvalidIdentifier(
                f"ISBN {chars}: check digit should be {expected}, not {chars[9]}"
            )
        return None
    body = "978" + chars[:9]
    return Identifier("isbn", body + _ean.calc_check_digit(body))


def _from_issn(chars: str) -> Identifier:
    expected = _issn.calc_check_digit(chars[:7])
    if expected != chars[7]:
        raise InvalidIdentifier(f"ISSN {chars}: check digit should be {expected}, not {chars[7]}")
    return Identifier("issn", chars)


def _from_ismn10(chars: str) -> Identifier:
    digits = "9790" + chars[1:]
    expected = _ean.calc_check_digit(digits[:-1])
    if expected != digits[-1]:
        raise InvalidIdentifier(f"ISMN {chars}: check digit should be {expected}, not {chars[-1]}")
    return Identifier("ismn", digits)


def _with_addon(digits: str) -> Identifier:
    """EAN-13 followed by a 2- or 5-digit add-on (price, issue number): the add-on is dropped."""
    return _from_ean13(digits[:13])


def _upc_valid(digits: str) -> bool:
    return _ean.calc_check_digit("0" + digits[:-1]) == digits[-1]


def _ean8(digits: str) -> Identifier:
    expected = _ean.calc_check_digit(digits[:-1])
    if expected != digits[-1]:
        raise InvalidIdentifier(
            f"EAN-8 {digits}: check digit should be {expected}, not {digits[-1]}"
        )
    return Identifier("ean", digits)


# --------------------------------------------------------------------------- by symbology


def _ean_symbology(sym: str, payload: str) -> Identifier:
    """``]E*``: the EAN/UPC family.  The reader has decoded a symbol, so digits are required."""
    digits = payload.replace(" ", "").replace("-", "")
    if not _all_digits(digits):
        raise InvalidIdentifier(f"EAN/UPC symbol {payload!r} contains characters other than digits")
    if sym == "E4" or len(digits) == 8:
        if len(digits) != 8:
            raise InvalidIdentifier(f"EAN-8 symbol {digits}: expected 8 digits, got {len(digits)}")
        return _ean8(digits)
    if len(digits) == 12:
        if not _upc_valid(digits):
            expected = _ean.calc_check_digit("0" + digits[:-1])
            raise InvalidIdentifier(
                f"UPC-A {digits}: check digit should be {expected}, not {digits[-1]}"
            )
        return Identifier("upc", "0" + digits)
    if len(digits) == 13:
        return _from_ean13(digits)
    if len(digits) in (14, 17) and digits.startswith("0"):
        # UPC-A with add-on, transmitted without the EAN leading zero.
        return _with_addon("0" + digits[:-2] if len(digits) == 14 else "0" + digits[:-5])
    if len(digits) in (15, 18):
        return _with_addon(digits)
    if sym in ("E1", "E2") and len(digits) in (2, 5):
        raise InvalidIdentifier(
            f"add-on {digits} read on its own: scan the main EAN-13 bar code beside it"
        )
    raise InvalidIdentifier(f"EAN/UPC symbol {digits}: {len(digits)} digits is not a valid length")


def _library_barcode(payload: str) -> Identifier:
    text = payload.replace(" ", "").upper()
    match = _CODABAR.match(text)
    if match:
        text = match.group(1)
    if len(text) > 2 and text.startswith("*") and text.endswith("*"):
        text = text[1:-1]
    if not text:
        raise InvalidIdentifier(f"bar code {payload!r} has no content once start/stop are removed")
    return Identifier("barcode", text)


def _gs1(payload: str) -> Identifier:
    """GS1-128 (``]C1``): AI (01) carries a GTIN-14, whose last 13 digits are the EAN."""
    if payload.startswith("01") and len(payload) >= 16 and _all_digits(payload[2:16]):
        gtin = payload[2:16]
        if gtin.startswith("0"):
            return _from_ean13(gtin[1:])
        expected = _ean.calc_check_digit(gtin[:-1])
        if expected != gtin[-1]:
            raise InvalidIdentifier(
                f"GTIN {gtin}: check digit should be {expected}, not {gtin[-1]}"
            )
        return Identifier("ean", gtin)
    return _library_barcode(payload)


# --------------------------------------------------------------------------- bare text


def _rfid(compact: str) -> Identifier:
    return Identifier("rfid", compact)


def _bare(text: str) -> Identifier:
    upper = text.upper()
    if _HEX_PAIRS.match(upper) and (":" in upper or not _all_digits(re.sub(r"[\- ]", "", upper))):
        return _rfid(re.sub(r"[:\- ]", "", upper))
    squeezed = _SPACE.sub("", upper)
    uid_length = (len(squeezed) == 16 and squeezed.startswith("E0")) or len(squeezed) in (8, 14, 20)
    codabar = bool(_CODABAR.match(squeezed))
    if _HEX.match(squeezed) and not _all_digits(squeezed) and uid_length and not codabar:
        return _rfid(squeezed)
    if codabar or (squeezed.startswith("*") and squeezed.endswith("*")):
        return _library_barcode(squeezed)
    if _ISSN_FORM.match(squeezed):
        return _from_issn(squeezed.replace("-", ""))

    qualified = _QUALIFIED.match(text)
    if qualified:
        squeezed = _SPACE.sub("", qualified.group("num")).upper()
    hyphenated = bool(_ISBN_FORM.match(squeezed)) and "-" in squeezed
    if hyphenated or qualified:
        # Hyphens are ISBN/ISMN/EAN group separators, a qualifier marks a stored ISBN: either
        # way this is a standard number, not a library barcode.
        hyphenated = True
        squeezed = squeezed.replace("-", "")
    if squeezed[:1] == "M" and _ISMN10.fullmatch(ismn := squeezed.replace("-", "")):
        return _from_ismn10(ismn)  # "M-2306-7118-7", as printed on scores before 2008

    if _all_digits(squeezed):
        n = len(squeezed)
        if n == 13:
            return _from_ean13(squeezed)
        if n in (15, 18):
            try:
                return _with_addon(squeezed)
            except InvalidIdentifier:
                return Identifier("barcode", squeezed)
        if n == 10:
            found = _from_isbn10(squeezed, strict=hyphenated)
            return found or Identifier("barcode", squeezed)
        if n == 12 and _upc_valid(squeezed):
            return Identifier("upc", "0" + squeezed)
        if n == 8 and _issn.calc_check_digit(squeezed[:7]) == squeezed[7]:
            return Identifier("issn", squeezed)
        return Identifier("barcode", squeezed)
    if len(squeezed) == 10 and _all_digits(squeezed[:9]) and squeezed[9] == "X":
        found = _from_isbn10(squeezed, strict=True)
        assert found is not None
        return found
    if len(squeezed) == 8 and _all_digits(squeezed[:7]) and squeezed[7] == "X":
        if _issn.calc_check_digit(squeezed[:7]) == "X":
            return Identifier("issn", squeezed)
        return Identifier("barcode", squeezed)
    if not squeezed.isprintable():
        raise InvalidIdentifier(f"{text!r} contains characters no bar code or tag carries")
    return _library_barcode(squeezed)


# --------------------------------------------------------------------------- public


def normalise(text: str, symbology: str | None = None) -> Identifier:
    """Turn a scanned or stored identifier into its catalogue key.

    ``symbology`` is the AIM identifier the reader sent (``"]E0"`` or ``"E0"``); when it is
    absent but ``text`` starts with one, that is used.  Raises ``InvalidIdentifier`` with a
    reason a person can act on; never any other exception.
    """
    if not isinstance(text, str):
        raise InvalidIdentifier(f"expected text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH * 4:
        raise InvalidIdentifier(f"{len(text)} characters is far too long for an identifier")
    cleaned = _strip_controls(text)
    sym = (symbology or "").strip().lstrip("]")
    aim = _AIM.match(cleaned)
    if aim:
        if not sym:
            sym = aim.group("sym")
        cleaned = cleaned[aim.end() :].strip()
    if not cleaned:
        raise InvalidIdentifier("empty scan: nothing but spaces or control characters")
    if len(cleaned) > MAX_LENGTH:
        raise InvalidIdentifier(
            f"{cleaned[:20]!r}...: {len(cleaned)} characters is too long for an identifier"
        )
    family = sym[:1].upper()
    if family == "E":
        return _ean_symbology(sym.upper(), cleaned)
    if family == "F":  # Codabar
        return _library_barcode(cleaned)
    if family == "A":  # Code 39
        return _library_barcode(cleaned)
    if family == "C":  # Code 128; modifier 1 = GS1-128
        if sym[1:2] == "1":
            return _gs1(cleaned.replace(" ", ""))
        return _library_barcode(cleaned)
    if family in ("I", "G", "H", "K", "L", "M", "N", "R", "S"):
        # ITF, Code 93, Code 11, Code 16K, PDF417, MSI, Anker, Plessey... : opaque payloads.
        return _library_barcode(cleaned)
    return _bare(cleaned)


def identifier_keys(stored: str, kind: str | None = None) -> list[str]:
    """Every key under which a stored identifier must be findable.  Private to the catalogue.

    ``kind`` says what the catalogue field holds (``"isbn"`` for 020, ``"barcode"`` for 952$p,
    ``"rfid"``...).  A barcode is stored under its literal value and, when a bare scan of the
    same characters would be read as a standard number, under that key too - so a ten-digit
    library barcode whose digits happen to form a valid ISBN-10 is still found.  Raises
    ``InvalidIdentifier`` for a standard number with a wrong check digit.
    """
    if kind in ("barcode", "control"):
        ident = _library_barcode(_strip_controls(stored))
        keys = [ident.value]
        try:
            other = normalise(ident.value)
        except InvalidIdentifier:
            other = None
        if other is not None and other.value not in keys:
            keys.append(other.value)
        return keys
    if kind == "rfid":
        cleaned = re.sub(r"[\s:\-]", "", _strip_controls(stored)).upper()
        if not cleaned or not _HEX.match(cleaned):
            raise InvalidIdentifier(f"RFID UID {stored!r} is not hexadecimal")
        return [cleaned]
    if kind == "upc":
        digits = _SEPARATORS.sub("", _strip_controls(stored))
        return [normalise(digits, "]E0").value]
    if kind == "gtin":  # 024 7_ $2 gtin-14 (Libris, discs): indicator 0 is the item's EAN-13
        digits = _SEPARATORS.sub("", _strip_controls(stored))
        if len(digits) != 14 or not digits.isdigit() or digits[0] != "0":
            raise InvalidIdentifier(f"GTIN-14 {stored!r}: not the code printed on one item")
        return identifier_keys(digits[1:], "ean")
    if kind == "ean":
        cleaned = _strip_controls(stored)
        qualified = _QUALIFIED.match(cleaned)
        digits = _SEPARATORS.sub("", qualified.group("num") if qualified else cleaned)
        return [normalise(digits, "]E0" if _all_digits(digits) else None).value]
    if kind == "isbn":
        cleaned = _strip_controls(stored)
        qualified = _QUALIFIED.match(cleaned)
        chars = _SEPARATORS.sub("", qualified.group("num") if qualified else cleaned).upper()
        if len(chars) == 9 and _all_digits(chars):
            chars = "0" + chars  # SBN: the pre-1970 nine-digit form
        if len(chars) == 10 and _all_digits(chars[:9]) and chars[9] in "0123456789X":
            found = _from_isbn10(chars, strict=True)
            assert found is not None
            return [found.value]
        if len(chars) == 13 and _all_digits(chars):
            return [_from_ean13(chars).value]
        raise InvalidIdentifier(f"ISBN {stored!r}: not 10 or 13 digits")
    return [normalise(stored).value]


_START_STOP = re.compile(r"^(?:[A-DTNE*]([0-9\-$:/.+]+)[A-DTNE*]|\*(.+)\*)$", re.IGNORECASE)
_NON_DIGITS = re.compile(r"\D+")


def scanned_forms(text: str, symbology: str | None = None) -> frozenset[str]:
    """Every spelling under which a scanner may deliver the same printed number.

    A card or label reaches the kiosk with or without an AIM symbology prefix (``]F0``), with
    Code 39's ``*`` or Codabar's start/stop letters, with spaces or hyphens, depending on the
    scanner's settings.  A rule about a number ("this pattern is a patron card") must hold for
    all of them, so it is matched against each form: the text as scanned (controls dropped), the
    payload without the AIM prefix, the payload squeezed of spaces and hyphens, without start
    and stop characters, and its digits alone.  Bounded work: the input is capped first.
    """
    del symbology  # the prefix, when the reader already split it off, is not part of the number
    cleaned = _strip_controls(text[: MAX_LENGTH * 4])
    forms = {cleaned}
    aim = _AIM.match(cleaned)
    payload = cleaned[aim.end() :].strip() if aim else cleaned
    squeezed = _SEPARATORS.sub("", payload)
    forms.update((payload, squeezed, squeezed.upper()))
    start_stop = _START_STOP.match(squeezed)
    if start_stop:
        forms.add(start_stop.group(1) or start_stop.group(2))
    forms.add(_NON_DIGITS.sub("", payload))
    forms.discard("")
    return frozenset(forms)
