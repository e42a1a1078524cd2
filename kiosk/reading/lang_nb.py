"""Norwegian (bokmål) and Danish reading tables: how BIBSYS/Bibbi and DBC write shorthand.

The two are written nearly alike ("1. utg." / "1. udg.", "bl.a.", "s. 45") and read alike, so
they share their regnal names and their shape; only the words differ.
"""

from __future__ import annotations

from functools import partial

from kiosk.reading.numerals import DANISH, NORWEGIAN, Numerals, number_words, ordinal
from kiosk.reading.numerals import year as year_words
from kiosk.reading.tables import Abbr, Rules, pairs, words

REGNAL_NAMES = frozenset(
    words(
        "Olav Olaf Haakon Håkon Harald Magnus Sverre Sigurd Inge Øystein Eirik Erik Hans Oscar "
        "Oskar Karl Carl Gustav Christian Kristian Frederik Fredrik Valdemar Margrete Margrethe "
        "Christoffer Knud Knut Henrik Ludvig Louis Napoleon Peter Elisabeth Victoria Pius Leo "
        "Benedikt Johannes Paulus Konge Kong Dronning Pave"
    )
)


def _context(spec: str) -> dict[str, Abbr | str]:
    """The shorthand that is read by context, from one line of words per language:
    pages (many, one, the), edition (shorthand, word, published), printing (shorthand, word),
    revised, enlarged (shorthand, word, after an ordinal), translation, translated,
    illustrations, illustrated, editor, edited, part, died, born."""
    (many, one, the, edition, edition_word, published, printing, printing_word, revised,
     revised_after, enlarged, enlarged_word, enlarged_after, translation, translated,
     illustrations, illustrated, editor, edited, part, died, born) = spec.split()  # fmt: skip
    pages = Abbr(many, before_number=one, before_range=the, after_number=many, after_one=one)
    return {
        "s.": pages,
        "S.": pages,
        edition: Abbr(edition_word, after_ordinal=edition_word, before_by=published),
        printing: Abbr(printing_word, after_ordinal=printing_word),
        "rev.": Abbr(revised, after_ordinal=revised_after),
        enlarged: Abbr(enlarged_word, after_ordinal=enlarged_after),
        "overs.": Abbr(translation, before_by=translated),
        "ill.": Abbr(illustrations, before_by=illustrated, list_only=True),
        "red.": Abbr(editor, before_by=edited, list_only=True),
        "d.": Abbr(part, before_year=died, needs_number=True),
        "f.": Abbr(born, before_year=born, needs_number=True),
        "ca.": Abbr("cirka", needs_number=True),
        "cm": Abbr("centimeter", needs_number=True),
    }


def _rules(
    lang: str, table: Numerals, abbreviations: dict[str, Abbr | str], **words_: str
) -> Rules:
    def regnal(_name: str, n: int) -> str:
        return f"den {ordinal(table, n)}"

    return Rules(
        lang=lang,
        abbreviations=abbreviations,
        **number_words(table),
        regnal=regnal,
        regnal_names=REGNAL_NAMES,
        part_words=frozenset(words(words_["part_words"])),
        by_words=frozenset({"av", "af"}),
        range_word="til",
        open_range="fra {year}",
        ordinal_dot=True,
        copyright_word="copyright",
        phonogram_word="fonogram",
        and_others="med flere",
        number_word="nummer",
        drop_words=frozenset({"s.n.", "s.l.", "u.å.", "u.st.", "s.a.", "sic", "?"}),
        final=frozenset(words("osv. m.m. m.fl. mv. flg. ff. o.l.")),
        conjunctions=frozenset(words("og eller til")),
        century_endings=frozenset(words("tallet tallets")),
        year=partial(year_words, table),  # 1866: "atten hundre og sekstiseks"
    )


NORWEGIAN_ABBREVIATIONS: dict[str, Abbr | str] = {
    **_context(
        "sider side sidene utg. utgave utgitt oppl. opplag revidert reviderte utv. utvidet "
        "utvidede oversettelse oversatt illustrasjoner illustrert redaktør redigert del død født"
    ),
    **pairs(
        "bl.a. = blant annet | f.eks. = for eksempel | osv. = og så videre | m.m. = med mer "
        "| m.fl. = med flere | mv. = med videre | dvs. = det vil si | bd. = bind | nr. = nummer "
        "| kap. = kapittel | årg. = årgang | jf. = jevnfør | evt. = eventuelt "
        "| inkl. = inklusive | f.Kr. = før Kristus | e.Kr. = etter Kristus | St. = Sankt "
        "| forl. = forlag | Forl. = forlag | & = og "
        "| flg. = og følgende | ff. = og følgende | pga. = på grunn av | o.l. = og lignende"
    ),
    "B.": Abbr("bind", needs_number=True),  # "Norges historie. B. 4"
}

DANISH_ABBREVIATIONS: dict[str, Abbr | str] = {
    **_context(
        "sider side siderne udg. udgave udgivet opl. oplag revideret reviderede udv. udvidet "
        "udvidede oversættelse oversat illustrationer illustreret redaktør redigeret del død født"
    ),
    **pairs(
        "bl.a. = blandt andet | f.eks. = for eksempel | osv. = og så videre | m.m. = med mere "
        "| m.fl. = med flere | dvs. = det vil sige | bd. = bind | nr. = nummer "
        "| kap. = kapitel | årg. = årgang | jf. = jævnfør | evt. = eventuelt "
        "| inkl. = inklusive | f.Kr. = før Kristus | e.Kr. = efter Kristus | Kbh. = København "
        "| forl. = forlag | Forl. = forlag | & = og "
        "| ff. = og følgende | flg. = og følgende | pga. = på grund af | o.l. = og lignende"
    ),
    "B.": Abbr("bind", needs_number=True),
}

NORWEGIAN_RULES = _rules(
    "nb", NORWEGIAN, NORWEGIAN_ABBREVIATIONS,
    part_words="del d b bind bd bok nr nummer hefte kapittel kap årgang sesong",
)  # fmt: skip
DANISH_RULES = _rules(
    "da", DANISH, DANISH_ABBREVIATIONS,
    part_words="del d b bind bd bog nr nummer hæfte kapitel kap årgang sæson",
)  # fmt: skip
