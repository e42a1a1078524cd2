"""What kind of thing a MARC record describes and how long it is: the descriptive fields
that are not names, titles or identifiers (those are in :mod:`catalog.importers.mapping`).

Every regular expression here runs on a text cut to :data:`CAP` characters first, so none
of them can take more than a bounded number of steps whatever a record holds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from catalog.importers import duration
from catalog.importers.fields import FieldLike, RecordLike, control, sub, subs
from catalog.punctuation import clean
from catalog.records import STILL_PUBLISHED
from catalog.roman import roman_value

CAP = 500
"""Characters of a descriptive field a pattern looks at (300 $a is a line, not a page)."""

TALKING_HINTS = (
    "talbok", "talböcker", "ljudbok", "ljudböcker", "ljudupptagning", "audiobook",
    "audio book", "talking book", "äänikirja", "daisy", "mp3", "ljudfil", "sound recording",
    "spoken word", "hörbuch", "livre audio", "livre lu",
)  # fmt: skip
EBOOK_HINTS = (
    "e-bok", "e-böcker", "elektronisk resurs", "electronic resource", "e-kirja",
    "elektroninen aineisto", "e-book", "ebook", "livre numérique",
)  # fmt: skip
LARGE_PRINT_HINTS = (
    "storstil", "large print", "large type", "isotekstinen", "suurikirjaimi", "großdruck",
    "grands caractères",
)  # fmt: skip


def any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One search for "does any of these occur in the text" (run for every record)."""
    return re.compile("|".join(map(re.escape, words)))


_TALKING = any_of(TALKING_HINTS)
_EBOOK = any_of(EBOOK_HINTS)
_LARGE_PRINT = any_of(LARGE_PRINT_HINTS)

_PAGE_WORD = re.compile(
    r"(?:\d|\])\s{0,3}(?:s|p|pp|sidor|sid|sivua|sivu|pages|Seiten|S)\b", re.IGNORECASE
)
_NUMBER = re.compile(r"(\[)?(\d{1,6})(\])?")
_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")
# A decade or century as cataloguers write one: "199-", "[19--]", "19uu", "199?", "1990-talet",
# "1990s", "1990-luvulla", "1800-talet".  Bounded: one match at the start of a cut text.
_PERIOD = re.compile(
    r"\[?(1\d|20)(\d)?([-?u]{1,2}|x{1,2})\??\]?(?!\d)"
    r"|\[?(1\d{3}|20\d{2})(?:-?tal(?:et)?|'?s|-?luvu(?:lla|n)|-?luku)(?!\w)"
    r"|\[?(1\d|20|[1-9])(?:st|nd|rd|th|:e|e)? ?(?:cent(?:\.|ury)?|årh(?:\.|undradet)?)(?!\w)",
    re.IGNORECASE,
)
# "1968 [i.e. 1969]", "[1959] [i.e. 1960]": the cataloguer's correction is the year.
_CORRECTED = re.compile(r"i\.\s?e\.,?\s{0,3}\[?(1\d{3}|20\d{2})(?!\d)", re.IGNORECASE)
# "[between 1900 and 1910]", "mellan 1900 och 1910": no year is known exactly.
_BETWEEN = re.compile(r"\b(?:between|mellan|entre|zwischen)\s", re.IGNORECASE)


# "ca 1520", "[ca. 1950]", "c. 1950", "omkr. 1950", "circa 1950", "um 1950", "vers 1950": the
# cataloguer knows the year only roughly ("c1950", no space, is a copyright date).
_CIRCA = re.compile(
    r"(?<!\w)(?:ca\.?|c:a|c\.|circa|cirka|omkr\.?|omkring|approx\.?|approximately|um|etwa|vers"
    r"|env\.?|environ|noin|n\.)\s?\[?(1\d{3}|20\d{2})(?!\d)"
    r"|(?<!\d)(?:1\d{3}|20\d{2})\?",  # "1905?", "[1905?]": a doubtful year is not a certain one
    re.IGNORECASE,
)
# A full date in a year cell ("1.1.1990", "24/12/1990"): its year, not its day.
DATE = re.compile(r"(?<!\d)\d{1,2}[./]\d{1,2}[./]((?:1\d|20)\d\d)(?!\d)")
# "1920-1922", "[1954-55]", "2003 - 2010": a work issued over several years.
_RANGE = re.compile(r"(?<![\d.])(1\d{3}|20\d{2})\??\]?\s?[-–—/]\s?\[?(\d{4}|\d{2})(?![\d-])")
# "1985-", "[2005- ]": a serial or a series still being published.
_OPEN = re.compile(r"(?<![\d.])(1\d{3}|20\d{2})\??\]?\s?[-–—]\s{0,3}\]?\.?\s{0,3}$")
# A year in roman numerals, as old title pages print it: "MCMLXV", "[MDCCC.]".
_ROMAN_YEAR = re.compile(r"\[?([MDCLXVI]{4,15})\.?\]?")


def approximate(text: str) -> bool:
    """The year is known only roughly: "ca 1520", "[ca. 1950]", "omkr. 1800"."""
    return _CIRCA.search(text[:CAP]) is not None


def last_year(text: str, first: int) -> int | None:
    """The last year of a work issued over several years ("1920-1922" -> 1922, "1954-55" ->
    1955) when ``first`` starts the range, :data:`STILL_PUBLISHED` for an open one ("2005-");
    ``None`` for one year."""
    match = _RANGE.search(text[:CAP])
    if match is None or int(match.group(1)) != first:
        still = _OPEN.search(text[:CAP])
        return STILL_PUBLISHED if still and int(still.group(1)) == first else None
    end = match.group(2)
    last = int(end) if len(end) == 4 else first - first % 100 + int(end)
    if len(end) == 2 and last <= first:
        last += 100  # "1999-02"
    return last if first < last <= first + 200 and _plausible(last) else None


def roman_year(text: str) -> int | None:
    """A year printed in roman numerals: "MCMLXV" -> 1965."""
    match = _ROMAN_YEAR.fullmatch(text.strip()[:40])
    found = roman_value(match.group(1)) if match else None
    return found if found is not None and _plausible(found) else None


def corrected(text: str) -> int | None:
    """The year a cataloguer corrected a wrong imprint to ("1968 [i.e. 1969]" -> 1969)."""
    match = _CORRECTED.search(text[:CAP])
    return int(match.group(1)) if match else None


def uncertain(text: str) -> bool:
    """A year only known to lie between two others: no exact year to say or sort by."""
    return bool(_BETWEEN.search(text[:CAP]))


def playing_minutes(text: str) -> int | None:
    """Minutes from "9 CD (11 tim.)", "1 mp3-fil (7 h, 32 min)", "ca 8 tuntia"
    (:func:`catalog.importers.duration.within`)."""
    return duration.within(text)


def edition(record: RecordLike) -> str | None:
    field = record.get("250")
    return clean(" ".join(subs(field, "a"))) if field is not None else None


# A page count is the numbers just before a page word ("xii, 345, [2] s."), never a number
# elsewhere in the extent: an LP's "p. 2 s. 12 in. 33 1/3 rpm" has no 33 pages.
_PAGE_RUN = re.compile(
    r"((?:\[?\d{1,6}\]?[\s,]{0,3}){1,12})(?:s|p|pp|sidor|sid|sivua|sivu|pages|Seiten|S)\b",
    re.IGNORECASE,
)
# A sound or video carrier: its "s." are sides, its numbers speeds and sizes.
_NOT_PRINT = re.compile(r"\brpm\b|\bsound\b|\bvideo|\bljud|\bäänilevy|\bstereo", re.IGNORECASE)


def pages(extent: str) -> int | None:
    """Page count from 300 $a ("102, [1] s.", "xii, 340 p.", "420 sivua"): the largest
    unbracketed number of those before a page word, since bracketed counts are unnumbered
    leaves.  None for volumes ("3 v.") and for sound and video carriers."""
    extent = extent[:CAP]
    if not _PAGE_WORD.search(extent) or "v." in extent.split() or _NOT_PRINT.search(extent):
        return None
    runs = " ".join(m.group(1) for m in _PAGE_RUN.finditer(extent))
    plain = [int(m.group(2)) for m in _NUMBER.finditer(runs) if not m.group(1)]
    bracketed = [int(m.group(2)) for m in _NUMBER.finditer(runs) if m.group(1)]
    found = plain or bracketed
    return max(found) if found else None


def from_306(value: str) -> int | None:
    """Minutes from a 306 playing time: ``hhmmss`` as MARC has it, or the ``h:mm:ss`` and
    ISO 8601 forms some systems write there (:func:`catalog.importers.duration.clock`)."""
    return duration.clock(value)


def kind(record: RecordLike) -> str:
    """One of :data:`catalog.records.RECORD_KINDS`, from leader/06, 006/008 and the words
    cataloguers use for the carrier."""
    leader = str(record.leader)
    rtype = leader[6] if len(leader) > 6 else " "
    f008 = control(record, "008")
    f006 = control(record, "006")
    hints = " ".join(
        [" ".join(subs(f, "h")) for f in record.get_fields("245")]
        + [" ".join(subs(f, "a")) for f in record.get_fields("655", "337", "338", "347")]
        + [" ".join(subs(f, "ab"))[:CAP] for f in record.get_fields("538", "500", "250", "300")]
    ).lower()
    spoken = rtype == "i" or f006[:1] == "i" or _TALKING.search(hints) is not None
    # A music recording is a talking book only when it says so in so many words.
    if spoken and (rtype not in "jcd" or "talbok" in hints or "audiobook" in hints):
        return "talking_book"
    if rtype in "jcd":
        return "music"
    form = f008[23:24] if rtype in "at" else ""
    if rtype == "m" or form in ("o", "q", "s") or _EBOOK.search(hints):
        return "ebook"
    if form == "d" or _LARGE_PRINT.search(hints):
        return "large_print"
    if rtype in "at":
        return "book"
    return "other"


def language(record: RecordLike) -> str | None:
    """ISO 639-2 code from 008/35-37, else the first 041 $a."""
    f008 = control(record, "008")
    code = f008[35:38].strip().lower() if len(f008) >= 38 else ""
    if len(code) == 3 and code.isalpha() and code not in ("und", "zxx", "mul"):
        return code
    for field in record.get_fields("041"):
        value = (sub(field, "a") or "").strip().lower()[:3]
        if len(value) == 3 and value.isalpha():
            return value
    return code if len(code) == 3 and code.isalpha() else None


# Subject vocabularies (MARC 6XX $2) and the language their terms are in: a Fennica record
# gives each subject in Finnish (ysa, yso/fin) and Swedish (allars, yso/swe), Libris gives
# English books LCSH and sao terms, Koha's AGROVOC comes in three languages.
VOCABULARIES: dict[str, str] = {
    **dict.fromkeys(("sao", "saogf", "barn", "barngf", "allars", "kao", "sgp", "cilla", "sswe",
                     "ssif"), "swe"),
    **dict.fromkeys(("ysa", "yso", "kaunokki", "kauno", "eks", "kitu", "kula", "musa", "slm",
                     "juho", "tero", "afo", "kassu", "mao", "ysaa"), "fin"),
    **dict.fromkeys(("lcsh", "lcshac", "lcgft", "fast", "gsafd", "mesh", "sears", "aat", "agrovoc",
                     "bnb", "shbe", "ukslc", "migfg", "mim", "nal", "gmgpc", "lctgm", "rbgenr",
                     "homoit", "bisacsh"), "eng"),
    **dict.fromkeys(("agrovocf", "rameau", "rvm", "ram", "renib"), "fre"),
    **dict.fromkeys(("agrovocs", "bidex", "embne", "lemb", "bne"), "spa"),
    **dict.fromkeys(("gnd", "swd", "rswk", "idsbb", "stw"), "ger"),
    **dict.fromkeys(("bibbi", "humord", "noubomn", "noubojur", "tekord", "ntsf"), "nob"),
    **dict.fromkeys(("dbc", "dbcsubj", "dbcform"), "dan"),
    **dict.fromkeys(("gtt", "brinkman"), "dut"),
    "nsbncf": "ita",
}  # fmt: skip
# Second indicator of 6XX: the thesaurus when $2 is not needed.
_THESAURUS = {"0": "eng", "1": "eng", "2": "eng", "3": "eng", "5": "eng", "6": "fre"}
UNKNOWN_LANGUAGE = "und"


def subject_language(field: FieldLike) -> str:
    """The language of a subject heading's terms, from its vocabulary: "yso/fin" -> "fin",
    "sao" -> "swe", second indicator 0 (LCSH) -> "eng"; "und" when the record does not say
    (uncontrolled terms, an unknown thesaurus)."""
    source = (sub(field, "2") or "").strip().lower()
    if source:
        suffix = source.rsplit("/", 1)[-1]
        if "/" in source and len(suffix) == 3 and suffix.isalpha():
            return suffix  # "yso/swe", "slm/fin", "gmgpc//swe"
        return VOCABULARIES.get(source.rstrip("."), UNKNOWN_LANGUAGE)
    return _THESAURUS.get(str(field.indicator2), UNKNOWN_LANGUAGE)


_LATEST = datetime.now(UTC).year + 1


def _plausible(year: int) -> bool:
    """A publication year a visitor should hear: not 9999 ("no date"), not in the future
    (next year's books are catalogued before they come out)."""
    return 1000 <= year <= _LATEST


def period(text: str | None) -> tuple[int, int] | None:
    """``(first year, 10 or 100)`` when ``text`` names a decade or a century, not a year:
    "199-" / "1990-talet" -> (1990, 10); "[19--]" / "19uu" / "1800-talet" -> (1800, 100)
    for the 19th century.  A round hundred said as a "-talet"/"s" is the century."""
    text = (text or "").strip()[:40]
    match = _PERIOD.match(text)
    if match is None:
        return None
    if match.group(5):  # "17th cent.": the 17th century began in 1600
        start = (int(match.group(5)) - 1) * 100
        return (start, 100) if _plausible(start) else None
    if match.group(4):
        start = int(match.group(4))
        span = 100 if start % 100 == 0 else 10
        return (start - start % span, span) if _plausible(start) else None
    digits, unknown = match.group(1) + (match.group(2) or ""), match.group(3)
    if len(digits) + len(unknown) == 5 and unknown.endswith("?"):
        unknown = unknown[:-1]  # "199-?": a decade, probably
    missing = len(unknown)
    if len(digits) + missing != 4:
        return None
    start = int(digits) * 10**missing
    return (start, 10**missing) if _plausible(start) else None


def year(record: RecordLike) -> int | None:
    """The year of publication, or ``None`` when the record does not really know it.

    260/264 $c first, then 008/07-10.  MARC writes an unknown digit as ``u`` ("19uu": some
    time in the 1900s) and an unknown date as ``uuuu`` or ``9999``: those are no year, and a
    "1900" found in 260 $c of a "19uu" record ("1900-luvulla", "[19--]") is the century, not
    the year, so it is not spoken either.
    """
    f008 = control(record, "008")
    date_type = f008[6:7]
    date1 = f008[7:11].lower() if len(f008) >= 11 else ""
    vague = len(date1) == 4 and "u" in date1 and date1.replace("u", "0").isdigit()
    century = int(date1.replace("u", "0")) if vague else None
    fields = [f for f in record.get_fields("264") if f.indicator2 == "1"]
    fields += record.get_fields("260")
    for field in fields:
        for value in subs(field, "c"):
            fixed = corrected(value)
            if fixed is not None and _plausible(fixed):
                return fixed
            if uncertain(value):
                return None
            match = _YEAR.search(value[:CAP])
            if match:
                found = int(match.group(1))
                if found == century or not _plausible(found):
                    continue
                return found
    if date_type in ("b", "n", "|") or not date1.isdigit():
        return None
    found = int(date1)
    return found if _plausible(found) else None


def year_detail(record: RecordLike, found: int) -> tuple[int | None, bool]:
    """How the imprint qualifies the year ``found``: the last year of a range ("1920-1922",
    or 008 "m19201922") and whether it is approximate ("[ca. 1950]")."""
    f008 = control(record, "008")
    values = [v for f in record.get_fields("264", "260") for v in subs(f, "c")]
    said = next((v for v in values if str(found) in v), "")
    last = last_year(said, found) if said else None
    if last is None and f008[6:7] in ("m", "i", "k", "c", "d", "u") and f008[7:11] == str(found):
        end = f008[11:15]
        if end == str(STILL_PUBLISHED) and f008[6:7] in ("m", "c"):
            last = STILL_PUBLISHED  # "c19859999": still being published
        elif end.isdigit() and found < int(end) <= found + 200 and _plausible(int(end)):
            last = int(end)
    return last, approximate(said) if said else False


def year_period(record: RecordLike) -> tuple[int, int] | None:
    """The decade or century of a record whose year is not known exactly: 008/07-10 "199u",
    "19uu", or 260/264 $c "[199-?]", "[19--]"."""
    f008 = control(record, "008")
    found = period(f008[7:11]) if len(f008) >= 11 and f008[6:7] not in ("b", "n") else None
    if found is not None:
        return found
    fields = [f for f in record.get_fields("264") if f.indicator2 == "1"]
    for field in fields + record.get_fields("260"):
        for value in subs(field, "c"):
            found = period(value[:CAP].strip(" .,;:©℗cp"))
            if found is not None:
                return found
    return None


def publisher(record: RecordLike) -> str | None:
    fields = [f for f in record.get_fields("264") if f.indicator2 == "1"]
    fields += record.get_fields("260")
    for field in fields:
        value = clean(sub(field, "b"), notes=True)
        if value:
            return value
    return None


def series(record: RecordLike) -> tuple[str | None, str | None]:
    """Series title and number: 490, 830, 800 $t, 440, 810 $t."""
    for tag, code in (("490", "a"), ("830", "a"), ("800", "t"), ("440", "a"), ("810", "t")):
        for field in record.get_fields(tag):
            name = clean(sub(field, code), notes=True)
            if name:
                number = clean(sub(field, "v"))
                return name, number
    return None, None
