"""``lookup --spoken``: a number is a year only where it is one.

An outside tester heard the English voice read page counts and running times of 1000-2099
as years ("xxxix, 1036 p." -> "ten thirty-six pages", "(1162 min.)" -> "eleven sixty-two
minutes"): a count before its unit is the number it is, whatever its size.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from tests.kiosk.spoken_support import build_catalogue, said, spoken

COUNTS = {
    # barcode: (extent, what the English voice must not say, what it must say)
    "91001": ("xxx, 1808 p.", "eighteen oh eight", "1808 pages"),
    "91002": ("xxxix, 1036 p.", "ten thirty-six", "1036 pages"),
    "91003": ("8 videodiscs (1162 min.)", "eleven sixty-two", "1162 minutes"),
    "91004": ("2 vol. (1232 p.)", "twelve thirty-two", "1232 pages"),
    "91005": ("1008 S.", "ten oh eight", "1008 pages"),
    "91006": ("1945 leaves of plates", "nineteen forty-five", "1945 leaves"),
    "91007": ("1 online resource (1050 pages)", "ten fifty", "1050 pages"),
}

RECORDS = [
    *({"barcode": key, "title": "Bleak House", "language": "eng", "extent": extent,
       "year": "1936"} for key, (extent, _wrong, _right) in COUNTS.items()),
    {"barcode": "91101", "title": "Years", "language": "eng",
     "summary": "Written in 1936 and revised 1950-1955. It has 1200 pages and 1500 maps."},
]  # fmt: skip


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_catalogue(tmp_path_factory.mktemp("numbers"), RECORDS)


@pytest.mark.parametrize("barcode", sorted(COUNTS))
def test_a_count_before_its_unit_is_never_a_year(catalogue: Path, barcode: str) -> None:
    _extent, wrong, right = COUNTS[barcode]
    text = said(spoken(catalogue, barcode, "--lang", "en", "--level", "2"))
    assert wrong not in text
    assert right in text
    assert "nineteen thirty-six" in text  # the year field is still a year


def test_years_stay_years_beside_counts(catalogue: Path) -> None:
    text = said(spoken(catalogue, "91101", "--level", "3"))
    assert "in nineteen thirty-six" in text
    assert "nineteen fifty to nineteen fifty-five" in text
    assert "1200 pages" in text
    assert "1500 maps" in text


# --------------------------------------------------------------------------- paragraphs

BULLETS = ["Filled with case studies, this edition shows the many forms of violence. --",
           "New to This Edition --",
           "New or expanded discussions of theories bring the book fully up to date --",
           "Updated tables and figures characterize patterns and trends --"]  # fmt: skip
BULLETS_SAID = [
    "Filled with case studies, this edition shows the many forms of violence.",
    "New to This Edition.",
    "New or expanded discussions of theories bring the book fully up to date.",
    "Updated tables and figures characterize patterns and trends.",
]
MARCXML = """<?xml version="1.0" encoding="UTF-8"?>
<collection xmlns="http://www.loc.gov/MARC21/slim"><record>
<leader>00000nam a2200000 a 4500</leader>
<controlfield tag="001">92001</controlfield>
<controlfield tag="008">120101s2012    xxu           000 0 eng d</controlfield>
<datafield tag="020" ind1=" " ind2=" "><subfield code="a">9781412980319</subfield></datafield>
<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Extreme killing</subfield></datafield>
{fields}
</record></collection>
"""


def test_each_520_is_a_paragraph_that_ends_a_sentence(tmp_path: Path) -> None:
    fields = "\n".join(
        f'<datafield tag="520" ind1=" " ind2=" "><subfield code="a">{b}</subfield></datafield>'
        for b in BULLETS
    )
    source = tmp_path / "bullets.xml"
    source.write_text(MARCXML.format(fields=fields), encoding="utf-8")
    db = tmp_path / "bullets.db"
    result = CliRunner().invoke(main, ["import", str(source), "--db", str(db)])
    assert result.exit_code == 0, result.output
    pairs = spoken(db, "9781412980319", "--level", "3")
    assert [text for _lang, text in pairs][-len(BULLETS_SAID) :] == BULLETS_SAID


@pytest.mark.parametrize(
    "summary",
    ["\n".join(BULLETS), "\n\n".join(b.removesuffix(" --") for b in BULLETS)],
    ids=["lines", "blank-lines"],
)
def test_summary_paragraphs_in_csv_and_json_end_sentences(tmp_path: Path, summary: object) -> None:
    db = build_catalogue(tmp_path, [{"barcode": "92002", "title": "Extreme killing",
                                     "language": "eng", "summary": summary}])  # fmt: skip
    texts = [text for _lang, text in spoken(db, "92002", "--level", "3")]
    assert texts[-len(BULLETS_SAID) :] == BULLETS_SAID


def test_a_hard_wrapped_summary_is_not_cut_into_sentences(tmp_path: Path) -> None:
    wrapped = (
        "A long summary exported with its lines wrapped at the width of the screen, where a\n"
        "Name may start a line in the middle of a sentence and nothing ends there at all."
    )
    db = build_catalogue(tmp_path, [{"barcode": "92003", "title": "Wrapped",
                                     "language": "eng", "summary": wrapped}])  # fmt: skip
    texts = [text for _lang, text in spoken(db, "92003", "--level", "3")]
    assert texts[-1] == " ".join(wrapped.split())


# --------------------------------------------------------------------------- headings

HEADINGS = {
    # CSV/JSON author heading as Libris/Koha export it: what the Swedish voice says after "av"
    "King, Martin Luther, Jr., 1929-1968": "Martin Luther King Jr.",
    "Vonnegut, Kurt, Jr.": "Kurt Vonnegut Jr.",
    "Strindberg, August, 1849-1912, förf.": "August Strindberg",
    "Shakespeare, William, 1564-1616, author.": "William Shakespeare",
    "Hugo, Victor, 1802-1885. Misérables. Swedish": "Victor Hugo",
    "Gustaf VI Adolf, kung av Sverige, 1882-1973": "Gustaf den sjätte Adolf",
    "Karl XII, kung av Sverige, 1682-1718": "Karl den tolfte",
    "Elizabeth II, Queen of Great Britain, 1926-2022": "Elizabeth den andra",
    "Christina, Queen of Sweden, 1626-1689": "Christina",
    "Kennedy, John F., 1917-1963": "John F Kennedy",
    "Lagerlöf, Selma, 1858-1940": "Selma Lagerlöf",
    "Sjöwall, Maj, d. 2020": "Maj Sjöwall",
    # ears3-25: a forename that is also a title word is a forename ("Duke" Ellington)
    "Ellington, Duke": "Duke Ellington",
    "Basie, Count, 1904-1984": "Count Basie",
    "Hines, Earl": "Earl Hines",
    "Schwartz, Baron": "Baron Schwartz",
    "Gaga, Lady": "Lady Gaga",
    'Hines, Earl "Fatha"': 'Earl "Fatha" Hines',  # a nickname is no realm (jazz_1k)
}


@pytest.mark.parametrize("heading", sorted(HEADINGS))
def test_a_csv_heading_is_read_the_way_its_marc_subfields_are(tmp_path: Path, heading: str) -> None:
    db = build_catalogue(tmp_path, [{"barcode": "93001", "title": "Bok", "language": "swe",
                                     "authors": heading}])  # fmt: skip
    assert said(spoken(db, "93001", "--level", "1")) == f"Bok, av {HEADINGS[heading]}"


def test_junior_is_said_after_the_surname_in_english(tmp_path: Path) -> None:
    king = "King, Martin Luther, Jr., 1929-1968"
    db = build_catalogue(tmp_path, [{"barcode": "93002", "title": "Strength to love",
                                     "language": "eng", "authors": king}])  # fmt: skip
    text = said(spoken(db, "93002", "--level", "1", "--lang", "en"))
    assert text.endswith("by Martin Luther King Junior.")


# --------------------------------------------------------------------------- codes


def test_issn_and_phone_numbers_are_not_ranges(tmp_path: Path) -> None:
    db = build_catalogue(tmp_path, [
        {"barcode": "94001", "title": "Serie", "language": "eng",
         "summary": "Also ISSN 0346-6159. Also ISSN 1234-5678. Pages 1001-1010."},
        {"barcode": "94002", "title": "Kontakt", "language": "swe",
         "summary": "Ring oss på 090-16 33 00 i dag."},
    ])  # fmt: skip
    english = said(spoken(db, "94001", "--level", "3"))
    assert " to 6159" not in english and " to 5678" not in english
    assert "1001 to 1010" in english  # a range is still a range
    assert " till " not in said(spoken(db, "94002", "--level", "3"))


def test_a_legacy_irish_record_is_read_by_the_irish_voice(tmp_path: Path) -> None:
    """records3-3: 008 "iri" (discontinued, now "gle") in records catalogued before 1999."""
    db = build_catalogue(tmp_path, [
        {"barcode": "95001", "title": "Scéalta", "language": "iri"},
        {"barcode": "95002", "title": "Scéalta", "language": "gle"},
    ])  # fmt: skip
    old = spoken(db, "95001", "--level", "1", "--lang", "sv")
    assert old == spoken(db, "95002", "--level", "1", "--lang", "sv")
    assert old[0][0] == "ga"


# --------------------------------------------------------------------------- years

PUBLISHED = {
    # year as catalogued: (Swedish visitor hears, English visitor hears) at level two
    "ca 1520": ("Utgiven cirka femtonhundratjugo.", "Published about fifteen twenty."),
    "[ca. 1950]": ("Utgiven cirka 1950.", "Published about nineteen fifty."),
    "1920-1922": ("Utgiven 1920 till 1922.", "Published nineteen twenty to nineteen twenty-two."),
    "2003-2010": ("Utgiven 2003 till 2010.", "Published 2003 to twenty ten."),
    "[1954-55]": ("Utgiven 1954 till 1955.", "Published nineteen fifty-four to nineteen fifty-"
                  "five."),
    "MCMLXV": ("Utgiven 1965.", "Published nineteen sixty-five."),
    "2005-": ("Utgiven från 2005.", "Published from 2005."),
    "1718": ("Utgiven sjuttonhundraarton.", "Published seventeen eighteen."),
    "[18--?]": ("Utgiven på artonhundratalet.", "Published in the nineteenth century."),
    "17th cent.": ("Utgiven på sextonhundratalet.", "Published in the seventeenth century."),
    "1968 [i.e. 1969]": ("Utgiven 1969.", "Published nineteen sixty-nine."),
    # ears3-42: a full date was "Published 1."; a doubtful year was said as certain.
    "1.1.1990": ("Utgiven 1990.", "Published nineteen ninety."),
    "24/12/1890": ("Utgiven artonhundranittio.", "Published eighteen ninety."),
    "1905?": ("Utgiven cirka 1905.", "Published about nineteen oh five."),
    "[1905?]": ("Utgiven cirka 1905.", "Published about nineteen oh five."),
    "1984/85": ("Utgiven 1984 till 1985.", "Published nineteen eighty-four to nineteen eighty-"
                "five."),
}


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    records = [{"barcode": f"9500{i}", "title": "Bok", "language": "swe", "year": year}
               for i, year in enumerate(PUBLISHED)]  # fmt: skip
    return build_catalogue(tmp_path_factory.mktemp("years"), records)


@pytest.mark.parametrize("year", list(PUBLISHED))
def test_a_year_is_said_as_the_cataloguer_wrote_it(years: Path, year: str) -> None:
    barcode = f"9500{list(PUBLISHED).index(year)}"
    swedish, english = PUBLISHED[year]
    assert swedish in [text for _l, text in spoken(years, barcode, "--level", "2")]
    assert english in [text for _l, text in spoken(years, barcode, "--level", "2", "--lang", "en")]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_approximate_year_and_a_range_survive_export_and_import(
    years: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"export.{fmt}"
    exported = CliRunner().invoke(
        main, ["export", "--db", str(years), "--format", fmt, "--output", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    again = tmp_path / "again.db"
    result = CliRunner().invoke(main, ["import", str(out), "--db", str(again)])
    assert result.exit_code == 0, result.output
    for i, year in enumerate(PUBLISHED):
        swedish, _english = PUBLISHED[year]
        assert swedish in [text for _l, text in spoken(again, f"9500{i}", "--level", "2")]


IMPRINTS = [
    # 008 type and dates, 260 $c: what a Swedish visitor hears
    ("s1950    ", "[ca. 1950]", "Utgiven cirka 1950."),
    ("m19201922", "1920-1922.", "Utgiven 1920 till 1922."),
    ("m19201922", "[1920]", "Utgiven 1920 till 1922."),
    ("c19859999", "1985-", "Utgiven från 1985."),  # still being published
    ("s1950    ", "c1950.", "Utgiven 1950."),  # a copyright date is exact
]


@pytest.mark.parametrize(("dates", "imprint", "heard"), IMPRINTS)
def test_marc_imprint_years(tmp_path: Path, dates: str, imprint: str, heard: str) -> None:
    fields = (f'<datafield tag="260" ind1=" " ind2=" "><subfield code="c">{imprint}</subfield>'
              "</datafield>")  # fmt: skip
    source = tmp_path / "dated.xml"
    marcxml = MARCXML.replace("120101s2012    xxu           000 0 eng d",
                              f"120101{dates}xxu           000 0 swe d")  # fmt: skip
    source.write_text(marcxml.format(fields=fields), encoding="utf-8")
    db = tmp_path / "dated.db"
    result = CliRunner().invoke(main, ["import", str(source), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert heard in [text for _l, text in spoken(db, "9781412980319", "--level", "2")]


# --------------------------------------------------------------------------- shelves, scripts


def test_an_age_on_a_shelf_is_a_range_a_shelf_mark_a_code(tmp_path: Path) -> None:
    db = build_catalogue(tmp_path, [{"barcode": "96001", "title": "Bok", "language": "swe",
                                     "locations": "Barn 5-8 år; Hc.01 91-958"}])  # fmt: skip
    assert spoken(db, "96001", "--level", "2")[-1] == (
        "sv", "Står på hyllan Barn 5 till 8 år, Hc.01 91 958."
    )


def test_other_scripts_digits_in_an_extent_are_counted_in_the_visitors_words(
    tmp_path: Path,
) -> None:
    db = build_catalogue(tmp_path, [
        {"barcode": "96002", "title": "ألف ليلة وليلة", "language": "ara", "extent": "٣٤٥ ص."},
        {"barcode": "96003", "title": "战争与和平", "language": "chi", "extent": "735页"},
    ])  # fmt: skip
    assert ("sv", "Omfång: 345 sidor.") in spoken(db, "96002", "--level", "2")
    assert ("en", "Extent: 345 pages.") in spoken(db, "96002", "--level", "2", "--lang", "en")
    assert ("sv", "Omfång: 735 sidor.") in spoken(db, "96003", "--level", "2")
