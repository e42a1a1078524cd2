"""Real-world MARC records read right (issue 15): how cataloguers really write, and what a
visitor must (not) hear of it.  Each case is a pattern seen in real catalogues: Fennica and
Libris relator terms, LC "[from old catalog]" headings, Koha records without 245 $a, 008
dates of "19uu" and "9999", authority records in a bibliographic export."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest

from catalog.importers import Entry, Rejection
from catalog.importers.iso2709 import decode_chunk, iter_pieces, read_iso2709
from catalog.importers.mapping import MappingError, map_record, record_from_marc
from catalog.records import Record
from kiosk import levels

from .conftest import FIXTURES, field, make_record


def _one(data: bytes, tmp_path: Path) -> Entry | Rejection:
    path = tmp_path / "r.mrc"
    path.write_bytes(data)
    (item,) = list(read_iso2709(path))
    assert isinstance(item, Entry | Rejection), item
    return item


def _record(data: bytes, tmp_path: Path) -> Record:
    item = _one(data, tmp_path)
    assert isinstance(item, Entry), item
    return item.record


# --------------------------------------------------------------------------- titles


@pytest.mark.parametrize(
    ("tag", "ind"),
    [("240", "10"), ("130", "0 "), ("730", "02"), ("740", "02")],
)
def test_no_245a_falls_back_to_uniform_or_added_title(tag: str, ind: str, tmp_path: Path) -> None:
    data = make_record("u1", None, extra=(field(tag, "a", "Kalevala.", "l", "Svenska", ind=ind),))
    record = _record(data, tmp_path)
    assert record.title == "Kalevala"


def test_245_without_a_uses_the_uniform_title_before_its_own_subtitle(tmp_path: Path) -> None:
    data = make_record(
        "u2",
        None,
        extra=(field("240", "a", "Works.", ind="10"), field("245", "b", "a selection /", ind="10")),
    )
    record = _record(data, tmp_path)
    assert (record.title, record.subtitle) == ("Works", "a selection")


def test_no_title_anywhere_is_rejected_saying_where_it_looked(tmp_path: Path) -> None:
    item = _one(make_record("u3", None), tmp_path)
    assert isinstance(item, Rejection)
    assert "245 $a" in item.reason and "240" in item.reason and "740" in item.reason


# --------------------------------------------------------------------------- ISBNs


@pytest.mark.parametrize(
    "written",
    ["0815769768.", "0815769768 :", "0815769768 ;", "ISBN 0815769768", "0815769768 (pbk.) :"],
)
def test_020_with_trailing_punctuation_yields_the_isbn(written: str, tmp_path: Path) -> None:
    data = make_record("i1", "Brookings papers", isbns=(written,))
    item = _one(data, tmp_path)
    assert isinstance(item, Entry)
    assert item.record.isbns == ("9780815769767",) and not item.notes


# --------------------------------------------------------------------------- names


def test_corporate_names_are_kept_and_spoken_as_written(tmp_path: Path) -> None:
    data = make_record(
        "c1",
        "Setting national priorities",
        author=None,
        extra=(
            field("110", "a", "Brookings Institution,", "b", "Washington, D.C.", ind="2 "),
            field("711", "a", "Nordic Conference on Reading,", "j", "author.", ind="2 "),
        ),
    )
    record = _record(data, tmp_path)
    assert record.authors == (
        "Brookings Institution Washington, D.C.",
        "Nordic Conference on Reading",
    )
    assert record.corporate == record.authors
    spoken = levels.level_one(record, "en").text
    assert "Brookings Institution Washington, D.C." in spoken
    assert "D.C. Brookings" not in spoken and "Reading Nordic" not in spoken


def test_a_person_is_still_turned_round_beside_a_corporate_name() -> None:
    record = Record(
        id="x",
        title="T",
        authors=("Lindgren, Astrid", "Brookings Institution, Washington, D.C."),
        corporate=("Brookings Institution, Washington, D.C.",),
    )
    spoken = levels.level_one(record, "en").text
    assert "Astrid Lindgren" in spoken and "Brookings Institution, Washington, D.C" in spoken


@pytest.mark.parametrize(
    ("written", "heard"),
    [
        ("Smith, John, [from old catalog]", "Smith, John"),
        ("Montfaucon de [Villars", "Montfaucon de Villars"),
        ("Lagerlöf, Selma [sic]", "Lagerlöf, Selma"),
    ],
)
def test_cataloguers_notes_in_names_are_not_kept(written: str, heard: str, tmp_path: Path) -> None:
    record = _record(make_record("n1", "Title", author=written), tmp_path)
    assert record.authors == (heard,)


def test_cataloguers_notes_in_titles_are_not_kept(tmp_path: Path) -> None:
    data = make_record("n2", "Teh [sic] worlde [from old catalog]")
    assert _record(data, tmp_path).title == "Teh worlde"


# --------------------------------------------------------------------------- relators


@pytest.mark.parametrize(
    "relator",
    [
        ("e", "översättare"),
        ("e", "esipuheen kirjoittaja."),
        ("e", "författare av förord"),
        ("e", "kääntäjä."),
        ("e", "kuvittaja."),
        ("e", "illustratör"),
        ("e", "editor."),
        ("e", "writer of preface"),
        ("e", "Übersetzer"),
        ("e", "Verfasser eines Vorworts"),
        ("e", "traducteur"),
        ("e", "préfacier"),
        ("4", "trl"),
        ("4", "ill"),
        ("4", "wpr"),
        ("4", "aui"),
        ("4", "edt"),
        ("4", "[ill.]"),
    ],
)
def test_who_is_not_by(relator: tuple[str, str], tmp_path: Path) -> None:
    code, term = relator
    extra = (field("700", "a", "Leino, Eino,", code, term, ind="1 "),)
    record = _record(make_record("r1", "Sju bröder", extra=extra), tmp_path)
    assert record.authors == ("Lindgren, Astrid",)


@pytest.mark.parametrize(
    "relator",
    [("e", "författare"), ("e", "kirjoittaja."), ("e", "author."), ("e", "joint author."),
     ("e", "Verfasser"), ("e", "auteur"), ("4", "aut"), ("4", "cmp")],
)  # fmt: skip
def test_who_is_by(relator: tuple[str, str], tmp_path: Path) -> None:
    code, term = relator
    extra = (field("700", "a", "Leino, Eino,", code, term, ind="1 "),)
    record = _record(make_record("r2", "Sju bröder", extra=extra), tmp_path)
    assert record.authors == ("Lindgren, Astrid", "Leino, Eino")


def test_a_main_entry_that_only_edited_is_not_by(tmp_path: Path) -> None:
    data = make_record(
        "r3",
        "Suomen kansan sävelmiä",
        author=None,
        extra=(field("100", "a", "Krohn, Ilmari,", "e", "toimittaja.", ind="1 "),),
    )
    assert _record(data, tmp_path).authors == ()


@pytest.mark.parametrize(
    "term", ["aut.", "aut", "auth.", "kirj.", "forfatter", "forf.", "Verfasserin.", "scriptor"]
)
def test_a_main_entry_with_shorthand_or_an_unknown_relator_keeps_its_author(
    term: str, tmp_path: Path
) -> None:
    # Fennica writes "kirj.", Norwegian records "forfatter", local systems "aut."; a term
    # nobody knows on the main entry must not make the book's author vanish.
    data = make_record(
        "r5",
        "Nils Holgerssons underbara resa genom Sverige",
        author=None,
        extra=(field("100", "a", "Lagerlöf, Selma,", "e", term, ind="1 "),),
    )
    assert _record(data, tmp_path).authors == ("Lagerlöf, Selma",)


@pytest.mark.parametrize("term", ["scriptor", "medarbetare"])
def test_an_added_name_with_an_unknown_relator_is_still_not_by(
    term: str, tmp_path: Path
) -> None:
    extra = (field("700", "a", "Leino, Eino,", "e", term, ind="1 "),)
    record = _record(make_record("r6", "Sju bröder", extra=extra), tmp_path)
    assert record.authors == ("Lindgren, Astrid",)


def test_readers_in_finnish_and_swedish_are_narrators(tmp_path: Path) -> None:
    extra = (
        field("700", "a", "Vihervaara, Jukka,", "e", "lukija.", ind="1 "),
        field("700", "a", "Guillou, Jan,", "e", "inläsare", ind="1 "),
    )
    record = _record(make_record("r4", "Tuntematon", rtype="i", extra=extra), tmp_path)
    assert record.narrators == ("Vihervaara, Jukka", "Guillou, Jan")
    assert record.authors == ("Lindgren, Astrid",)


# --------------------------------------------------------------------------- dates


def _f008(date_type: str, date1: str) -> str:
    return f"240101{date_type}{date1}    sw            000 1 swe d"


@pytest.mark.parametrize(
    ("date_type", "date1", "imprint", "year", "span"),
    [
        ("s", "9999", None, None, None),
        ("n", "uuuu", None, None, None),
        # A century or decade is no year: never "1900", but said as one ("på 1900-talet").
        ("q", "19uu", "[19--]", 1900, 100),
        ("s", "19uu", "1900-luvulla", 1900, 100),
        ("s", "199u", "[1995?]", 1995, None),
        ("s", "199u", "[199-?]", 1990, 10),
        ("s", "uuuu", "[199-]", 1990, 10),
        ("s", "1996", "cop. 1996.", 1996, None),
        ("m", "19uu", None, 1900, 100),
        ("s", "1987", "9999", 1987, None),
    ],
)
def test_unknown_dates_are_no_year(
    date_type: str,
    date1: str,
    imprint: str | None,
    year: int | None,
    span: int | None,
    tmp_path: Path,
) -> None:
    extra = (field("260", "b", "Otava,", "c", imprint),) if imprint else ()
    data = make_record("d1", "Dated", f008=_f008(date_type, date1), extra=extra)
    record = _record(data, tmp_path)
    assert (record.year, record.year_span) == (year, span)


# --------------------------------------------------------------------------- not books


def test_authority_record_in_a_bibliographic_file_is_rejected(tmp_path: Path) -> None:
    data = make_record(
        "a1",
        None,
        rtype="z",
        extra=(field("400", "a", "Lindgren, Astrid Anna Emilia", ind="1 "),),
    )
    item = _one(data, tmp_path)
    assert isinstance(item, Rejection) and "authority record" in item.reason


def test_see_also_record_without_leader_z_is_rejected_as_authority_like(tmp_path: Path) -> None:
    data = make_record(
        "a2",
        None,
        extra=(
            field("500", "a", "Sandemo, Margit", "w", "r", ind="1 "),
            field("670", "a", "Isfolkets krønike, 1982"),
        ),
    )
    item = _one(data, tmp_path)
    assert isinstance(item, Rejection)
    assert "authority record" in item.reason and "see also" in item.reason


def test_koha_records_with_a_blank_type_still_load(shared: Path) -> None:
    items = list(read_iso2709(shared / "marc" / "koha_sample_436_952.mrc"))
    rejected = [i for i in items if isinstance(i, Rejection)]
    assert not [r for r in rejected if "authority" in r.reason]


# --------------------------------------------------------------------------- one mapping


def test_pymarc_records_and_the_fast_decoder_map_alike() -> None:
    """The mapping reads the pymarc interface: pymarc's own records map to the same."""
    path = FIXTURES / "libris_bib_28.mrc"
    with open(path, "rb") as handle:
        ours = [decode_chunk(piece) for _n, _o, piece in iter_pieces(handle)]
    with open(path, "rb") as handle:
        theirs = [r for r in pymarc.MARCReader(handle, to_unicode=True, force_utf8=True) if r]
    assert len(ours) == len(theirs) == 28
    for mine, pym in zip(ours, theirs, strict=True):
        assert record_from_marc(pym) == record_from_marc(mine)


def test_record_from_marc_says_why_it_cannot() -> None:
    with open(FIXTURES / "libris_bib_28.mrc", "rb") as handle:
        (_n, _o, piece), *_ = iter_pieces(handle)
    record = decode_chunk(piece)
    record.leader = record.leader[:6] + "z" + record.leader[7:]
    with pytest.raises(MappingError, match="authority"):
        record_from_marc(record)
    assert isinstance(map_record(record, "r", "f"), Rejection)


def test_a_byte_order_mark_before_the_first_record_is_not_a_record(tmp_path: Path) -> None:
    # Files that passed through a Windows tool or a text editor start with EF BB BF: no
    # rejected "record 1", and every later record keeps its own number.
    plain = (FIXTURES / "libris_bib_28.mrc").read_bytes()
    marked = tmp_path / "bom.mrc"
    marked.write_bytes(b"\xef\xbb\xbf" + plain)
    with_mark = list(read_iso2709(marked))
    without = list(read_iso2709(FIXTURES / "libris_bib_28.mrc"))
    assert not [e for e in with_mark if isinstance(e, Rejection)]
    assert [e.record for e in with_mark] == [e.record for e in without]
