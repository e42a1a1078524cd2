"""Who is "by" when an added name has no relator (finding R2-10), and names as cataloguers
write them in MARC (EARS2-11): "Jr." in $c, people as subjects, a head of state's office.

AACR2 records put translators, editors and writers of a preface in 700 without $e or $4; the
statement of responsibility (245 $c) is what says what each of them did.  The rule is in
:mod:`catalog.importers.credits` and docs/catalogue.md."""

from __future__ import annotations

import io
from pathlib import Path

import pymarc
import pytest
from click.testing import CliRunner
from pymarc import Field

from catalog.importers import Entry
from catalog.importers.iso2709 import read_iso2709
from catalog.importers.mapping import record_from_marc
from catalog.records import Record
from kiosk import levels
from kiosk.cli import main
from tests.kiosk.spoken_support import said, spoken

from .conftest import FIXTURES, field, make_record


def _record(data: bytes, tmp_path: Path) -> Record:
    path = tmp_path / "r.mrc"
    path.write_bytes(data)
    (item,) = list(read_iso2709(path))
    assert isinstance(item, Entry), item
    return item.record


def _book(
    statement: str | None, *names: Field, main_entry: str | None = "Lindgren, Astrid"
) -> bytes:
    t245 = field("245", "a", "Bröderna Lejonhjärta /", *(("c", statement) if statement else ()))
    return make_record("c1", None, author=main_entry, extra=(t245, *names))


def _fennica() -> dict[str, Record]:
    with (FIXTURES / "fennica_melinda_131.mrc").open("rb") as fh:
        records = [r for r in pymarc.MARCReader(fh, to_unicode=True, force_utf8=True) if r]
    out = {}
    for record in records:
        try:
            out[record["001"].data] = record_from_marc(record)
        except ValueError:
            continue  # the seven empty stub records: rejected, as the import does
    return out


# --------------------------------------------------------------------------- real records


def test_real_fennica_translators_editors_and_preface_writers_are_not_by() -> None:
    found = _fennica()
    # "Stephen W. Hawking ; alkusanat: Carl Sagan ; piirrokset: Ron Miller ;
    #  suomentanut Risto Varteva": preface, drawings, translation.
    assert found["000095841"].authors == ("Hawking, Stephen",)
    # "Michael Agricola ; [toimittanut Aarni Penttilä]": the editor.
    assert found["000977896"].authors == ("Agricola, Mikael",)
    # Manninen twice, once as "kääntäjä": the relator of the other field decides.
    assert found["000792602"].authors == ("Runeberg, Johan Ludvig",)
    # "Esko Valtaoja ; aus dem Finnischen von Peter Uhlmann": a translation, said in German.
    assert found["000971472"].authors == ("Valtaoja, Esko",)
    # "[Veikko Talvi]" names him with no role: he wrote it (beside the museum, 110).
    assert "Talvi, Veikko" in found["000006980"].authors
    # Five writers named in 245 $c, one of them also relator-less: all five are "by".
    assert len(found["006023537"].authors) == 5


def test_real_fennica_lookup_says_only_the_author(tmp_path: Path) -> None:
    db = tmp_path / "fennica.db"
    result = CliRunner().invoke(
        main, ["import", str(FIXTURES / "fennica_melinda_131.mrc"), "--db", str(db)]
    )
    assert result.exit_code == 0, result.output  # the seven empty stubs are rejected
    hawking = said(spoken(db, "9789510194409", "--level", "1"))
    assert "Stephen Hawking" in hawking
    assert "Sagan" not in hawking and "Varteva" not in hawking
    abckiria = said(spoken(db, "9789517469319", "--level", "1", "--lang", "en"))
    assert "Agricola" in abckiria and "Penttilä" not in abckiria


def test_real_koha_cast_and_editors_are_not_by(shared: Path) -> None:
    with (shared / "marc" / "koha_sample_436_952.mrc").open("rb") as fh:
        readers = pymarc.MARCReader(fh, to_unicode=True, force_utf8=True)
        records = {r["001"].data: r for r in readers if r and r.get("001")}
    # "Charles Dickens ; edited with an introduction and notes by Nicola Bradbury ; ..."
    assert record_from_marc(records["13188363"]).authors == ("Dickens, Charles",)
    # A film: "directed by Luis Brunel." - the cast (relator-less 700s) is not "by".
    assert record_from_marc(records["5628214"]).authors == ()
    # "Brian W. Kernighan, Dennis M. Ritchie.": both wrote it.
    assert record_from_marc(records["1491800"]).authors == (
        "Kernighan, Brian W.",
        "Ritchie, Dennis M.",
    )


# --------------------------------------------------------------------------- the rule


@pytest.mark.parametrize(
    "statement",
    [
        "Astrid Lindgren ; översatt av Eino Leino",
        "Astrid Lindgren ; suom. E. Leino",
        "Astrid Lindgren ; edited with a foreword by Eino Leino",
        "Astrid Lindgren ; [toimittanut Eino Leino]",
        "Astrid Lindgren ; alkusanat: Eino Leino",
        "Astrid Lindgren ; arr. Eino Leino",
        "Astrid Lindgren ; Übers. Eino Leino",
        "texte établi et traduit par Eino Leino",
    ],
)
def test_a_name_after_a_role_word_is_not_by(statement: str, tmp_path: Path) -> None:
    data = _book(statement, field("700", "a", "Leino, Eino.", ind="1 "))
    assert _record(data, tmp_path).authors == ("Lindgren, Astrid",)


@pytest.mark.parametrize(
    "statement",
    [
        "Astrid Lindgren, Eino Leino",
        "Astrid Lindgren och Eino Leino",
        "by Astrid Lindgren and E. Leino",
        "illustrated by Ilon Wikland, text by Eino Leino",
    ],
)
def test_a_name_the_statement_gives_no_role_is_by(statement: str, tmp_path: Path) -> None:
    data = _book(statement, field("700", "a", "Leino, Eino.", ind="1 "))
    assert _record(data, tmp_path).authors == ("Lindgren, Astrid", "Leino, Eino")


def test_a_name_the_statement_leaves_out_is_not_by(tmp_path: Path) -> None:
    data = _book("Astrid Lindgren", field("700", "a", "Edelfelt, Albert.", ind="1 "))
    assert _record(data, tmp_path).authors == ("Lindgren, Astrid",)


def test_with_no_statement_only_a_work_without_main_entry_credits_its_names(
    tmp_path: Path,
) -> None:
    leino = field("700", "a", "Leino, Eino.", ind="1 ")
    assert _record(_book(None, leino), tmp_path).authors == ("Lindgren, Astrid",)
    assert _record(_book(None, leino, main_entry=None), tmp_path).authors == ("Leino, Eino",)


def test_same_surname_the_initial_decides(tmp_path: Path) -> None:
    data = _book(
        "Charlie Parker and Benny Harris ; arr. Matt Harris",
        field("700", "a", "Harris, Benny", ind="1 "),
        field("700", "a", "Harris, Matt", ind="1 "),
        main_entry="Parker, Charlie",
    )
    assert _record(data, tmp_path).authors == ("Parker, Charlie", "Harris, Benny")


def test_a_name_that_begins_like_a_role_word_is_still_a_name(tmp_path: Path) -> None:
    # "Edith" begins "edit", "Tranströmer" begins "trans", "Ford" is a Hungarian "ford.".
    data = _book(
        "Edith Södergran, Tomas Tranströmer, Richard Ford",
        field("700", "a", "Södergran, Edith", ind="1 "),
        field("700", "a", "Tranströmer, Tomas", ind="1 "),
        field("700", "a", "Ford, Richard", ind="1 "),
    )
    authors = _record(data, tmp_path).authors
    assert authors == (
        "Lindgren, Astrid", "Södergran, Edith", "Tranströmer, Tomas", "Ford, Richard"
    )  # fmt: skip


def test_the_880_partner_of_a_translator_is_not_an_original_author(tmp_path: Path) -> None:
    data = make_record(
        "r1",
        None,
        author=None,
        extra=(
            field("100", "6", "880-01", "a", "Tolstoĭ, Lev,", ind="1 "),
            field("245", "a", "Voĭna i mir /", "c", "Lev Tolstoĭ ; perevod Sofʹja Tolstaja."),
            field("700", "6", "880-02", "a", "Tolstaja, Sofʹja.", ind="1 "),
            field("880", "6", "100-01/(N", "a", "Толстой, Лев,", ind="1 "),
            field("880", "6", "700-02/(N", "a", "Толстая, Софья.", ind="1 "),
        ),
    )
    record = _record(data, tmp_path)
    assert record.authors == ("Tolstoĭ, Lev",)
    assert record.original_authors == ("Толстой, Лев",)


# --------------------------------------------------------------------------- names


def test_jr_in_100_c_is_heard_as_on_the_csv_path(tmp_path: Path) -> None:
    data = make_record(
        "k1",
        "Strength to love",
        author=None,
        extra=(
            field("100", "a", "King, Martin Luther,", "c", "Jr.,", "d", "1929-1968,", "e",
                  "author.", ind="1 "),
            field("700", "a", "Gustaf", "b", "VI Adolf,", "c", "kung av Sverige,", "d",
                  "1882-1973,", "e", "författare.", ind="0 "),
        ),
    )  # fmt: skip
    record = _record(data, tmp_path)
    assert record.authors == ("King, Martin Luther, Jr.", "Gustaf VI Adolf")
    assert "av Martin Luther King Jr. och Gustaf VI Adolf" in levels.level_one(record, "sv").text
    # The CSV/JSON path reads the same heading the same way.
    heading = "King, Martin Luther, Jr., 1929-1968"
    csv_record = Record(id="c", title="Strength to love", authors=(heading,))
    marc_record = Record(id="m", title="Strength to love", authors=(record.authors[0],))
    assert levels.level_one(csv_record, "en").spoken() == levels.level_one(
        marc_record, "en"
    ).spoken()


def test_people_as_subjects_are_said_as_names(tmp_path: Path) -> None:
    data = make_record(
        "s1",
        "Om Strindberg",
        extra=(
            field("600", "a", "Strindberg, August,", "d", "1849-1912", "x", "kritik", ind="14"),
            field("600", "a", "King, Martin Luther,", "c", "Jr.,", "d", "1929-1968", ind="10"),
            field("600", "a", "Karl", "b", "XII,", "c", "kung av Sverige,", "d", "1682-1718",
                  ind="04"),
            field("600", "a", "Lear, King (Legendary character) in literature.", ind="10"),
            field("650", "a", "Art, Modern", ind=" 0"),
        ),
    )  # fmt: skip
    record = _record(data, tmp_path)
    assert record.subjects == (
        "August Strindberg", "Martin Luther King Jr.", "Karl XII", "King Lear", "Art, Modern"
    )  # fmt: skip
    heard = " ".join(text for text, _voice in levels.level_two(record, "sv").spoken())
    assert "August Strindberg" in heard and "Karl den tolfte" in heard
    assert "Strindberg, August" not in heard and "Martin Luther King Junior" in heard


def test_a_head_of_states_office_is_said_with_its_holder(tmp_path: Path) -> None:
    # Evergreen's lul_fre_500: "France. $b Sovereigns etc. $b , 1799-1814 (Napoléon I)".
    data = make_record(
        "n1",
        "Ordres et apostilles de Napoléon",
        author=None,
        extra=(
            field("110", "a", "France.", "b", "Sovereigns etc.", "b", ", 1799-1814 (Napoléon I)",
                  ind="2 "),
        ),
    )  # fmt: skip
    record = _record(data, tmp_path)
    assert record.authors == ("France, Sovereign Napoléon I",) == record.corporate
    heard = " ".join(text for text, _voice in levels.level_one(record, "sv").spoken())
    assert "Napoléon den förste" in heard and "etc" not in heard and "1799" not in heard


def test_pymarc_and_fast_decoder_agree_on_the_new_rules(tmp_path: Path) -> None:
    leino = field("700", "a", "Leino, Eino.", ind="1 ")
    data = _book("Astrid Lindgren ; suom. Eino Leino", leino)
    (record,) = list(pymarc.MARCReader(io.BytesIO(data), to_unicode=True, force_utf8=True))
    assert record_from_marc(record).authors == _record(data, tmp_path).authors
