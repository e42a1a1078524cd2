"""German reading table: how DNB/RAK-style catalogue shorthand is said ("5. Aufl.", "Bd. 1")."""

from __future__ import annotations

from functools import partial

from kiosk.reading.numerals import GERMAN, number_words, ordinal
from kiosk.reading.numerals import year as year_words
from kiosk.reading.tables import Abbr, Rules, pairs, words

REGNAL_NAMES = frozenset(
    words(
        "Ludwig Friedrich Wilhelm Karl Heinrich Otto Konrad Maximilian Leopold Joseph Josef "
        "Franz Rudolf Albrecht Georg Gustav Christian Johann Johannes Paul Pius Leo Benedikt "
        "Gregor Innozenz Klemens Elisabeth Maria Katharina Peter Iwan Alexander Nikolaus Eduard "
        "Richard Jakob Philipp Erik Karl Ramses Napoleon Louis Sigismund Lothar Papst König "
        "Kaiser Königin"
    )
)

_LANGUAGES = {
    "Engl": "Englisch", "Amerik": "Amerikanisch", "Franz": "Französisch", "Ital": "Italienisch",
    "Russ": "Russisch", "Schwed": "Schwedisch", "Span": "Spanisch", "Lat": "Lateinisch",
    "Dän": "Dänisch", "Norw": "Norwegisch", "Niederl": "Niederländisch", "Poln": "Polnisch",
}  # fmt: skip
"""Languages a DNB note translates from ("Übers. aus d. Engl." "aus dem Englischen")."""

_PAGES = Abbr("Seiten", before_number="Seite", before_range="Seiten", after_number="Seiten",
              after_one="Seite")  # fmt: skip
_EDITION = Abbr("Auflage", after_ordinal="Auflage")

ABBREVIATIONS: dict[str, Abbr | str] = {
    "S.": _PAGES,
    "s.": Abbr("siehe", after_number="Seiten", after_one="Seite"),
    "Aufl.": _EDITION,
    "Aufl": Abbr("Auflage", after_ordinal="Auflage", needs_number=True),
    "Ausg.": Abbr("Ausgabe", after_ordinal="Ausgabe"),
    "hrsg.": Abbr("herausgegeben", before_by="herausgegeben"),
    "übers.": Abbr("übersetzt", before_by="übersetzt"),
    "Ill.": Abbr("Illustrationen", before_by="illustriert", list_only=True),
    "ill.": Abbr("Illustrationen", before_by="illustriert", list_only=True),
    "bearb.": Abbr("bearbeitet", after_ordinal="bearbeitete"),
    "überarb.": Abbr("überarbeitet", after_ordinal="überarbeitete"),
    "erw.": Abbr("erweitert", after_ordinal="erweiterte"),
    "verb.": Abbr("verbessert", after_ordinal="verbesserte"),
    "durchges.": Abbr("durchgesehen", after_ordinal="durchgesehene"),
    "unveränd.": Abbr("unverändert", after_ordinal="unveränderte"),
    "aktualis.": Abbr("aktualisiert", after_ordinal="aktualisierte"),
    "neubearb.": Abbr("neu bearbeitet", after_ordinal="neu bearbeitete"),
    "geb.": Abbr("gebunden", before_year="geboren"),
    "gest.": Abbr("gestorben", needs_number=True),
    "Bd": Abbr("Band", needs_number=True),
    "Nr": Abbr("Nummer", needs_number=True),
    "ca.": Abbr("circa", needs_number=True),
    "cm": Abbr("Zentimeter", needs_number=True),
    "Min.": Abbr("Minuten", after_one="Minute", needs_number=True),
    "Std.": Abbr("Stunden", after_one="Stunde", needs_number=True),
    **pairs(
        "Bd. = Band | Bde. = Bände | T. = Teil | Tl. = Teil | Nr. = Nummer | H. = Heft "
        "| Kap. = Kapitel | Jg. = Jahrgang | Jh. = Jahrhundert | Jhs. = Jahrhunderts "
        "| Abb. = Abbildungen | Taf. = Tafeln | Kt. = Karten | Reg. = Register "
        "| Bl. = Blätter | Neuaufl. = Neuauflage | Sonderausg. = Sonderausgabe "
        "| Taschenbuchausg. = Taschenbuchausgabe | Mitarb. = Mitarbeit | Verl. = Verlag "
        "| Dt. = Deutsch | dt. = deutsch | Vorw. = Vorwort | Einl. = Einleitung "
        "| Anm. = Anmerkungen | Diss. = Dissertation | zugl. = zugleich "
        "| usw. = und so weiter | z.B. = zum Beispiel | d.h. = das heißt "
        "| u.a. = unter anderem | bzw. = beziehungsweise | vgl. = vergleiche "
        "| sog. = sogenannte | evtl. = eventuell | inkl. = inklusive | z.T. = zum Teil "
        "| u.ä. = und Ähnliches | o.ä. = oder Ähnliches | etc. = et cetera "
        "| Chr. = Christus | Dr. = Doktor | Prof. = Professor | St. = Sankt "
        "| & = und"
        # DNB notes ("Enth. Briefe v. 1918 bis 1921 sowie e. Nachw. d. Hrsg."): each stop
        # before a capital was a sentence end and eSpeak NG read the stubs.
        "| Enth. = Enthält | enth. = enthält | v. = von | e. = ein | d. = der | u. = und "
        "| Nachw. = Nachwort | Tab. = Tabellen | Anh. = Anhang | Nachdr. = Nachdruck "
        "| Beil. = Beilage | Erg. = Ergänzung "
        "| Orig. = Original | Ausz. = Auszug | Abt. = Abteilung | Slg. = Sammlung"
    ),
    **{f"{lang}.": Abbr(name, after_article=f"{name}en") for lang, name in _LANGUAGES.items()},
    "Hrsg.": Abbr("Herausgeber", before_by="herausgegeben", after_name="Herausgeber",
                  after_article="Herausgebers"),
    "Hg.": Abbr("Herausgeber", after_article="Herausgebers"),
    "Verf.": Abbr("Verfasser", after_article="Verfassers"),
    "Übers.": Abbr("Übersetzung", before_by="übersetzt", after_article="Übersetzers"),
    "a.D.": Abbr("außer Dienst", before_name="außer Dienst"),  # "Oberst a.D. Meier"
}  # fmt: skip


def _regnal(_name: str, n: int) -> str:
    return f"der {ordinal(GERMAN, n)}"


RULES = Rules(
    lang="de",
    abbreviations=ABBREVIATIONS,
    **number_words(GERMAN),
    regnal=_regnal,
    regnal_names=REGNAL_NAMES,
    part_words=frozenset(
        words("band bd teil t tl heft h nummer nr kapitel kap buch folge staffel jahrgang jg")
    ),
    by_words=frozenset({"von"}),
    range_word="bis",
    open_range="ab {year}",
    ordinal_dot=True,
    ordinal_dot_before_capital=True,
    ordinal_dot_words=frozenset(
        words(
            "aufl auflage ausg ausgabe bd band teil tl t jh jahrhundert jg jahrgang kap kapitel "
            "buch heft tausend tsd neuaufl"
        )
    ),
    copyright_word="Copyright",
    phonogram_word="Phonogramm",
    and_others="und andere",
    number_word="Nummer",
    drop_words=frozenset({"s.n.", "s.l.", "o.j.", "o.o.", "o.v.", "s.a.", "sic", "?"}),
    # A noun that ends a note ("im Anh. Übers. aus ..."), "a.D." before "Ca. 1780".
    final=frozenset(words("usw. etc. u.ä. o.ä. Jh. Jhs. a.D. Anh. Tab. Abb. Nachw. Reg. Taf.")),
    sentence_starters=frozenset(
        words(
            "der die das ein eine er sie es wir ich man ca im in am an auf aus bei mit nach "
            "von vor zu zum zur dies diese dieser dann danach später heute so und aber als"
        )
    ),
    articles=frozenset(words("des dem d.")),  # "d." as the splitter sees it
    phrases={
        # "d." takes its case from the noun after it, which the table then inflects.
        **{f"d. {noun}": (f"des {noun}",) * 2 for noun in words("Hrsg Hg Verf Übers")},
        **{f"aus d. {lang}": (f"aus dem {lang}",) * 2 for lang in _LANGUAGES},
    },
    conjunctions=frozenset(words("und oder bis")),
    year=partial(year_words, GERMAN, last=1999),  # "neunzehnhundertneununddreißig"
    decade=lambda n: (said := year_words(GERMAN, n, last=1999)) and f"{said}er",  # "1860er"
    ordinal_weak_after=frozenset(words("im am vom zum beim dem den des zur einem eines")),
)
