"""The one normaliser: equivalences, symbologies, check digits, and its properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import ean as std_ean
from stdnum import isbn as std_isbn
from stdnum import issn as std_issn

from catalog.errors import InvalidIdentifier
from catalog.identifiers import Identifier, identifier_keys, normalise

ANTECKNINGAR = "9789100563226"  # Tove Jansson, Anteckningar från en ö (Libris record 7149593)


@pytest.mark.parametrize(
    "text",
    [
        "9789100563226",
        "978-91-0-056322-6",
        "9100563226",
        "91-0-056322-6",
        " 91 0 056322 6 ",
        "978-91-0-056322-6 (inb.)",
        "91-0-056322-6 (hft.)",
        "9100563226 inb.",
        "\x029789100563226\r\n",
        "]E09789100563226",
        "9789100563226\u200b",
    ],
)
def test_every_spelling_of_one_isbn_is_one_key(text: str) -> None:
    assert normalise(text) == Identifier("isbn", ANTECKNINGAR)


def test_isbn10_with_x_check_digit() -> None:
    assert normalise("0-8044-2957-X") == Identifier("isbn", "9780804429573")
    assert normalise("080442957x").value == "9780804429573"


def test_wrong_isbn13_check_digit_names_the_expected_digit() -> None:
    with pytest.raises(InvalidIdentifier, match="check digit should be 3, not 7"):
        normalise("9789129688317")


def test_wrong_hyphenated_isbn10_is_invalid_not_a_barcode() -> None:
    with pytest.raises(InvalidIdentifier, match=r"ISBN 9100563227: check digit should be 6"):
        normalise("91-0-056322-7")


def test_bare_ten_digits_with_wrong_isbn_check_is_a_library_barcode() -> None:
    # Ten-digit library barcodes are common; only a valid ISBN-10 is read as one.
    assert normalise("9100563227") == Identifier("barcode", "9100563227")


def test_other_thirteen_digits_are_ean_with_check() -> None:
    assert normalise("4006381333931") == Identifier("ean", "4006381333931")
    with pytest.raises(InvalidIdentifier, match="EAN-13 4006381333932: check digit should be 1"):
        normalise("4006381333932")


def test_ean_add_on_is_dropped() -> None:
    assert normalise("978910056322612345", "]E3").value == ANTECKNINGAR
    assert normalise("978910056322612").value == ANTECKNINGAR
    assert normalise("9789100563226 12345", "E3").value == ANTECKNINGAR


def test_add_on_alone_is_refused_with_advice() -> None:
    with pytest.raises(InvalidIdentifier, match="add-on"):
        normalise("12345", "]E2")


def test_issn_forms_meet() -> None:
    assert normalise("0317-8471") == Identifier("issn", "03178471")
    assert normalise("9770317847001") == Identifier("issn", "03178471")  # ISSN bar code
    assert normalise("977031784700112", "]E3") == Identifier("issn", "03178471")
    with pytest.raises(InvalidIdentifier, match="ISSN 03178472: check digit should be 1"):
        normalise("0317-8472")


def test_ismn_10_and_13_meet() -> None:
    assert normalise("M230671187") == Identifier("ismn", "9790230671187")
    assert normalise("979-0-2306-7118-7") == Identifier("ismn", "9790230671187")
    # records3-2: the old form as printed on scores and keyed by cataloguers, hyphens and all
    assert normalise("M-2306-7118-7") == Identifier("ismn", "9790230671187")
    assert identifier_keys("M-2306-7118-7", "ismn") == ["9790230671187"]
    with pytest.raises(InvalidIdentifier, match="ISMN"):
        normalise("M230671188")


def test_upc_a_is_its_ean13_form() -> None:
    assert normalise("036000291452") == Identifier("upc", "0036000291452")
    assert normalise("036000291452", "]E0") == Identifier("upc", "0036000291452")
    assert normalise("0036000291452", "]E0").value == "0036000291452"
    with pytest.raises(InvalidIdentifier, match="UPC-A 036000291453"):
        normalise("036000291453", "]E0")


def test_ean8() -> None:
    assert normalise("96385074", "]E4") == Identifier("ean", "96385074")
    with pytest.raises(InvalidIdentifier, match="EAN-8"):
        normalise("96385075", "]E4")


@pytest.mark.parametrize(
    ("text", "symbology", "value"),
    [
        ("A39999000000012B", None, "39999000000012"),
        ("a123456b", None, "123456"),
        ("A39999000000012B", "]F0", "39999000000012"),
        ("*LIB00042*", None, "LIB00042"),
        ("*LIB00042*", "]A0", "LIB00042"),
        ("3999900000001", "]C0", "3999900000001"),  # a 13-digit Koha barcode, not an EAN
        ("3999900000001", "]A0", "3999900000001"),
        ("39999000000012", None, "39999000000012"),
        ("123456", None, "123456"),
        ("lib-0042", None, "LIB-0042"),
    ],
)
def test_library_barcodes(text: str, symbology: str | None, value: str) -> None:
    assert normalise(text, symbology) == Identifier("barcode", value)


def test_gs1_128_gtin_reaches_the_ean() -> None:
    assert normalise("0109789100563226", "]C1") == Identifier("isbn", ANTECKNINGAR)


@pytest.mark.parametrize(
    "text",
    [
        "E0:04:01:00:12:34:56:78",
        "e004010012345678",
        "E0 04 01 00 12 34 56 78",
        "e0-04-01-00-12-34-56-78",
        "  E004010012345678\r\n",
    ],
)
def test_rfid_uid_spellings(text: str) -> None:
    assert normalise(text) == Identifier("rfid", "E004010012345678")


def test_seven_byte_uid_with_letters_is_rfid() -> None:
    assert normalise("04:a2:b3:c4:d5:e6:f7") == Identifier("rfid", "04A2B3C4D5E6F7")


@pytest.mark.parametrize("text", ["", "   ", "\r\n", "\x02\x03", "]E0"])
def test_empty_scans_are_invalid(text: str) -> None:
    with pytest.raises(InvalidIdentifier, match="empty"):
        normalise(text)


def test_overlong_input_is_refused() -> None:
    with pytest.raises(InvalidIdentifier, match="too long"):
        normalise("1" * 5000)


def test_identifier_keys_for_stored_values() -> None:
    assert identifier_keys("91-0-056322-6 (inb.)", "isbn") == [ANTECKNINGAR]
    assert identifier_keys("978-91-0-056322-6 : 249:00", "isbn") == [ANTECKNINGAR]
    assert identifier_keys("A1234B", "barcode") == ["1234"]
    assert identifier_keys("e0:04:01:00:12:34:56:78", "rfid") == ["E004010012345678"]
    # A barcode whose digits also read as an ISBN-10 is findable both ways.
    assert identifier_keys("9100563226", "barcode") == ["9100563226", ANTECKNINGAR]
    with pytest.raises(InvalidIdentifier, match="check digit"):
        identifier_keys("9789129688317", "isbn")


# --------------------------------------------------------------------------- properties

isbn10_bodies = st.text(alphabet="0123456789", min_size=9, max_size=9)


@given(isbn10_bodies, st.sampled_from(["", "-", " "]))
def test_property_isbn10_and_isbn13_are_one_key(body: str, sep: str) -> None:
    total = sum((i + 1) * int(d) for i, d in enumerate(body)) % 11
    isbn10 = body + ("X" if total == 10 else str(total))
    isbn13 = std_isbn.to_isbn13(isbn10)
    spaced = sep.join([isbn10[:2], isbn10[2:5], isbn10[5:9], isbn10[9]]) if sep else isbn10
    assert normalise(spaced) == normalise(isbn13) == Identifier("isbn", isbn13)


@given(st.text(alphabet="0123456789", min_size=12, max_size=12), st.integers(0, 9))
def test_property_ean13_check_digit_is_never_guessed(body: str, digit: int) -> None:
    text = body + str(digit)
    expected = std_ean.calc_check_digit(body)
    if str(digit) == expected:
        ident = normalise(text)
        if text.startswith("977"):
            # 977 is the EAN prefix of serials: the key is the ISSN inside it, with the ISSN's
            # own check digit (computed independently here, not read back from the result).
            issn_body = text[3:10]
            assert (ident.kind, ident.value) == ("issn", issn_body + std_issn.calc_check_digit(
                issn_body))
        else:
            # 9790: sheet music (ISMN); 978/979: books; a leading 0 is a UPC-A in EAN form.
            kind = "ismn" if text.startswith("9790") else "isbn" if text[:3] in (
                "978", "979") else "upc" if text.startswith("0") else "ean"
            assert (ident.kind, ident.value) == (kind, text)
    else:
        with pytest.raises(InvalidIdentifier, match=f"should be {expected}, not {digit}"):
            normalise(text)


symbologies = st.sampled_from(
    [None, "]E0", "]E3", "]E4", "]A0", "]C0", "]C1", "]F0", "]X0", "]I1", "E0", "]Q1", "", "]"]
)


@settings(max_examples=400)
@given(st.text(max_size=60), symbologies)
def test_property_never_raises_anything_but_invalid_identifier(
    text: str, symbology: str | None
) -> None:
    try:
        ident = normalise(text, symbology)
    except InvalidIdentifier as exc:
        assert str(exc)
    else:
        assert ident.value
        assert ident.kind in {"isbn", "ean", "issn", "ismn", "upc", "barcode", "rfid", "control"}


scan_like = st.one_of(
    st.text(alphabet="0123456789", min_size=1, max_size=20),
    st.text(alphabet="0123456789-", min_size=1, max_size=20),
    st.text(alphabet="0123456789ABCDEFabcdef:", min_size=1, max_size=30),
    st.text(alphabet="0123456789ABCDXabcd*$:/.+- ", min_size=1, max_size=20),
    st.text(max_size=30),
)


@settings(max_examples=400)
@given(scan_like, symbologies)
def test_property_normalising_the_value_again_gives_the_same_value(
    text: str, symbology: str | None
) -> None:
    try:
        first = normalise(text, symbology)
    except InvalidIdentifier:
        return
    again = normalise(first.value, symbology)
    assert again.value == first.value
    if first.kind in ("isbn", "ean", "ismn", "upc"):
        assert again.kind == first.kind
