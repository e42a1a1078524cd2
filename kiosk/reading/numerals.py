"""Number words as data: one engine says cardinals and ordinals for every table that gives one.

An edition ("5. Aufl.", "2e éd.", "1. utg.") or a regnal name ("Louis XIV") has to reach the
engine as words, and every language builds its numbers from the same few parts: words for the
small numbers, words for the tens, a way to join tens and ones ("zwanzig"+"ein" ->
"einundzwanzig", "vingt"+"un" -> "vingt et un", "tyve"+"en" -> "enogtyve"), and hundreds.
:class:`Numerals` holds those parts for one language; :func:`cardinal` and :func:`ordinal`
are the one engine.  Beyond :data:`LIMIT` nothing is said (no edition or king is numbered
higher; the normaliser leaves the digits to the voice).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from kiosk.reading.tables import words

LIMIT = 999


@dataclass(frozen=True)
class Numerals:
    """The parts a language's numbers up to 999 are built from.

    Templates take ``{tens}`` / ``{ones}`` (and ``{hundreds}``, ``{rest}``) as words.
    """

    small: tuple[str, ...]
    """Cardinals 0, 1, 2 ... as far as the language has single words (at least 0-19)."""
    tens: tuple[str, ...]
    """The word of each ten (index 2 = twenty ...); a decade counted from the one before
    (French "soixante-dix") repeats that word and is listed in ``carry_ten``."""
    join: str
    """Tens and ones: "{tens}{ones}" (nb), "{ones}und{tens}" (de), "{tens}-{ones}" (fr)."""
    ordinal_small: tuple[str, ...] = ()
    """Ordinals 0, 1, 2 ... as far as listed; the rest are made by the rules below."""
    ordinal_tens: tuple[str, ...] = ()
    """Ordinal of each round ten; empty: the cardinal with ``ordinal_suffix``."""
    ordinal_join: str | None = None
    """Tens and ones of an ordinal ("{tens}{ones}": "tjue"+"første"); ``None``: the
    cardinal with ``ordinal_suffix`` ("einundzwanzig" -> "einundzwanzigste")."""
    ordinal_in: str = "ones"
    """Which part of a joined ordinal is itself ordinal: "ones" (nb "tjueførste"), "tens"
    (da "enogtyvende") or "both" (fi "kahdeskymmenesensimmäinen")."""
    ordinal_suffix: tuple[tuple[str, str], ...] = (("", "e"),)
    """(ending, replacement) pairs tried in order on a cardinal to make its ordinal."""
    ones_in_join: Mapping[int, str] = field(default_factory=dict)
    """A one's form inside a compound: German "ein" (einundzwanzig), Danish "en"."""
    carry_ten: frozenset[int] = frozenset()
    """Decades said as the decade before plus 10-19 (French 70-79 and 90-99)."""
    exact: Mapping[int, str] = field(default_factory=dict)
    """Cardinals no rule makes ("soixante et onze", "quatre-vingts")."""
    ordinal_exact: Mapping[int, str] = field(default_factory=dict)
    ordinal_hundreds: tuple[str, ...] = ()
    """Ordinal hundreds where a larger ordinal is built on them (Finnish "sadas",
    "kahdessadas": "sadasensimmäinen"); empty: the cardinal hundreds ("hundred and first")."""
    first_in_compound: str | None = None
    """"First" ending a larger number where it differs (French "cent unième", not
    "première"); ``None``: the plain ordinal of one."""
    hundred: tuple[str, str] = ("hundra", "{hundreds}hundra")
    """One hundred, and hundreds counted ("{hundreds}hundert")."""
    hundred_rest: str = "{hundreds}{rest}"
    """Hundreds and the rest: "{hundreds}{rest}" (hundertzwei), "{hundreds} og {rest}"."""
    hundred_plural: str = ""
    """Added to a round multiple of a hundred: French "deux cents"."""


def cardinal(table: Numerals, n: int) -> str | None:
    """``n`` as a cardinal in words; ``None`` outside 0-:data:`LIMIT`."""
    if not 0 <= n <= LIMIT:
        return None
    if n in table.exact:
        return table.exact[n]
    if n < len(table.small):
        return table.small[n]
    if n < 100:
        ten, one = divmod(n, 10)
        if ten in table.carry_ten:
            ten, one = ten - 1, one + 10
        if not one:
            return table.tens[ten]
        ones = table.ones_in_join.get(one, table.small[one])
        return table.join.format(tens=table.tens[ten], ones=ones)
    hundreds, rest = divmod(n, 100)
    if not rest:
        return _hundreds(table, hundreds) + ("" if hundreds == 1 else table.hundred_plural)
    head = _hundreds(table, hundreds)
    return table.hundred_rest.format(hundreds=head, rest=cardinal(table, rest))


def _hundreds(table: Numerals, hundreds: int) -> str:
    if hundreds == 1:
        return table.hundred[0]
    return table.hundred[1].format(hundreds=table.small[hundreds])


def ordinal(table: Numerals, n: int) -> str | None:
    """``n`` as an ordinal in words ("fünfte", "første", "deuxième"); ``None`` outside 1-999."""
    if not 0 < n <= LIMIT:
        return None
    if n in table.ordinal_exact:
        return table.ordinal_exact[n]
    if n < len(table.ordinal_small):
        return table.ordinal_small[n]
    hundreds, rest = divmod(n, 100)
    if hundreds and (rest or table.ordinal_hundreds):  # "zweihundertzweite", "cent unième"
        if table.ordinal_hundreds:
            head = table.ordinal_hundreds[hundreds]
        else:
            head = _hundreds(table, hundreds)
        if not rest:
            return head
        last = (table.first_in_compound if rest == 1 else None) or ordinal(table, rest)
        return table.hundred_rest.format(hundreds=head, rest=last)
    ten, one = divmod(n, 10)
    if n < 100 and table.ordinal_join is not None and ten not in table.carry_ten:
        if not one:
            return table.ordinal_tens[ten]
        ones = table.ones_in_join.get(one, table.small[one])
        tens = table.tens[ten]
        if table.ordinal_in in ("ones", "both"):
            ones = table.ordinal_small[one]
        if table.ordinal_in in ("tens", "both"):
            tens = table.ordinal_tens[ten]
        return table.ordinal_join.format(tens=tens, ones=ones)
    said = cardinal(table, n)
    if said is None:
        return None
    for ending, replacement in table.ordinal_suffix:
        if said.endswith(ending):
            return said[: len(said) - len(ending)] + replacement
    return said


def year(table: Numerals, n: int, last: int = 1899) -> str | None:
    """A year by its hundreds, as it is said: "sjuttonhundraarton", "attenhundre og
    sekstiseks", "achtzehnhundertsechsundsechzig".  eSpeak NG's Swedish, Norwegian and Danish
    voices read 1100-1899 as a count ("ett tusen sjuhundra arton"), its German voice every
    year ("eintausend neunhundert ..."); ``None`` outside 1100-``last``."""
    if not 1100 <= n <= last:
        return None
    century, rest = divmod(n, 100)
    head = _hundreds(table, century)
    return table.hundred_rest.format(hundreds=head, rest=cardinal(table, rest)) if rest else head


def number_words(table: Numerals) -> dict[str, Callable[[int], str | None]]:
    """``cardinal`` and ``ordinal`` of a reading table (:class:`kiosk.reading.tables.Rules`)."""
    return {"cardinal": partial(cardinal, table), "ordinal": partial(ordinal, table)}


# --------------------------------------------------------------------------- the tables

GERMAN = Numerals(
    small=words(
        "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn vierzehn "
        "fünfzehn sechzehn siebzehn achtzehn neunzehn"
    ),
    tens=words("_ _ zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig"),
    join="{ones}und{tens}",
    ones_in_join={1: "ein"},
    ordinal_small=words(
        "nullte erste zweite dritte vierte fünfte sechste siebte achte neunte zehnte elfte "
        "zwölfte dreizehnte vierzehnte fünfzehnte sechzehnte siebzehnte achtzehnte neunzehnte"
    ),
    ordinal_suffix=(("", "ste"),),
    hundred=("hundert", "{hundreds}hundert"),
)

DUTCH = Numerals(
    small=words(
        "nul een twee drie vier vijf zes zeven acht negen tien elf twaalf dertien veertien "
        "vijftien zestien zeventien achttien negentien"
    ),
    tens=words("_ _ twintig dertig veertig vijftig zestig zeventig tachtig negentig"),
    join="{ones}{tens}",
    # "eenentwintig", "tweeëntwintig": "en" joins, "ën" after a final e.
    ones_in_join={1: "eenen", 2: "tweeën", 3: "drieën", 4: "vieren", 5: "vijfen", 6: "zesen",
                  7: "zevenen", 8: "achten", 9: "negenen"},
    hundred=("honderd", "{hundreds}honderd"),
)
"""Dutch cardinals, for years only so far (``kiosk.reading.lang_nl``)."""

NORWEGIAN = Numerals(
    small=words(
        "null en to tre fire fem seks sju åtte ni ti elleve tolv tretten fjorten femten seksten "
        "sytten atten nitten"
    ),
    tens=words("_ _ tjue tretti førti femti seksti sytti åtti nitti"),
    join="{tens}{ones}",
    ordinal_small=words(
        "nullte første andre tredje fjerde femte sjette sjuende åttende niende tiende ellevte "
        "tolvte trettende fjortende femtende sekstende syttende attende nittende"
    ),
    ordinal_tens=words(
        "_ _ tjuende trettiende førtiende femtiende sekstiende syttiende åttiende nittiende"
    ),
    ordinal_join="{tens}{ones}",
    ordinal_suffix=(("", "de"),),
    hundred=("hundre", "{hundreds} hundre"),
    hundred_rest="{hundreds} og {rest}",
)

DANISH = Numerals(
    small=words(
        "nul en to tre fire fem seks syv otte ni ti elleve tolv tretten fjorten femten seksten "
        "sytten atten nitten"
    ),
    tens=words("_ _ tyve tredive fyrre halvtreds tres halvfjerds firs halvfems"),
    join="{ones}og{tens}",
    ordinal_small=words(
        "nulte første anden tredje fjerde femte sjette syvende ottende niende tiende ellevte "
        "tolvte trettende fjortende femtende sekstende syttende attende nittende"
    ),
    ordinal_tens=words(
        "_ _ tyvende tredivte fyrretyvende halvtredsindstyvende tresindstyvende "
        "halvfjerdsindstyvende firsindstyvende halvfemsindstyvende"
    ),
    ordinal_join="{ones}og{tens}",
    ordinal_in="tens",
    ordinal_suffix=(("hundrede", "hundrede"), ("", "e")),
    hundred=("hundrede", "{hundreds} hundrede"),
    hundred_rest="{hundreds} og {rest}",
)

FRENCH = Numerals(
    small=words(
        "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze "
        "quinze seize dix-sept dix-huit dix-neuf"
    ),
    tens=words("_ _ vingt trente quarante cinquante soixante soixante quatre-vingt quatre-vingt"),
    join="{tens}-{ones}",
    carry_ten=frozenset({7, 9}),
    exact={
        21: "vingt et un", 31: "trente et un", 41: "quarante et un", 51: "cinquante et un",
        61: "soixante et un", 71: "soixante et onze", 80: "quatre-vingts",
    },
    ordinal_small=("zéroième", "première", *(
        w + "ième" for w in words(
            "deux trois quatr cinqu six sept huit neuv dix onz douz treiz quatorz quinz seiz "
            "dix-sept dix-huit dix-neuv"
        )
    )),
    ordinal_suffix=(
        ("cinq", "cinquième"), ("neuf", "neuvième"), ("quatre-vingts", "quatre-vingtième"),
        ("cents", "centième"), ("e", "ième"), ("", "ième"),
    ),
    first_in_compound="unième",
    hundred=("cent", "{hundreds} cent"),
    hundred_rest="{hundreds} {rest}",
    hundred_plural="s",
)

_SV_SMALL = words(
    "noll ett två tre fyra fem sex sju åtta nio tio elva tolv tretton fjorton femton sexton "
    "sjutton arton nitton"
)
SWEDISH = Numerals(
    small=_SV_SMALL,
    tens=words("_ _ tjugo trettio fyrtio femtio sextio sjuttio åttio nittio"),
    join="{tens}{ones}",
    ordinal_small=words(
        "nollte första andra tredje fjärde femte sjätte sjunde åttonde nionde tionde elfte "
        "tolfte trettonde fjortonde femtonde sextonde sjuttonde artonde nittonde"
    ),
    ordinal_tens=words(
        "_ _ tjugonde trettionde fyrtionde femtionde sextionde sjuttionde åttionde nittionde"
    ),
    ordinal_join="{tens}{ones}",
    ordinal_suffix=(("", "de"),),
    ordinal_exact={100: "hundrade"},
    hundred=("etthundra", "{hundreds}hundra"),
)

ENGLISH = Numerals(
    small=words(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen"
    ),
    tens=words("_ _ twenty thirty forty fifty sixty seventy eighty ninety"),
    join="{tens}-{ones}",
    # The ordinal of the last word: "twenty-one" -> "twenty-first", "forty" -> "fortieth".
    ordinal_suffix=(
        ("one", "first"), ("two", "second"), ("three", "third"), ("five", "fifth"),
        ("eight", "eighth"), ("nine", "ninth"), ("twelve", "twelfth"), ("y", "ieth"), ("", "th"),
    ),
    hundred=("one hundred", "{hundreds} hundred"),
    hundred_rest="{hundreds} and {rest}",
)

_FI_ONES = words("nolla yksi kaksi kolme neljä viisi kuusi seitsemän kahdeksan yhdeksän kymmenen")
# The ordinal stem inside compounds: "kahdestoista" (12th), "kahdeskymmenes" (20th).
_FI_STEM = words("_ yhdes kahdes kolmas neljäs viides kuudes seitsemäs kahdeksas yhdeksäs")
FINNISH = Numerals(
    small=(*_FI_ONES, *(w + "toista" for w in _FI_ONES[1:10])),
    tens=("_", "_", *(w + "kymmentä" for w in _FI_ONES[2:10])),
    join="{tens}{ones}",
    ordinal_small=(
        *words(
            "nollas ensimmäinen toinen kolmas neljäs viides kuudes seitsemäs kahdeksas "
            "yhdeksäs kymmenes"
        ),
        *(w + "toista" for w in _FI_STEM[1:10]),
    ),
    ordinal_tens=("_", "_", *(w + "kymmenes" for w in _FI_STEM[2:10])),
    ordinal_join="{tens}{ones}",
    ordinal_in="both",
    ordinal_hundreds=("_", "sadas", *(w + "sadas" for w in _FI_STEM[2:10])),
    hundred=("sata", "{hundreds}sataa"),
)
