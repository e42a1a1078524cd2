"""French reading table: how BnF/RAMEAU-style catalogue shorthand is said ("2e éd.", "t. 3")."""

from __future__ import annotations

from kiosk.reading.numerals import FRENCH, cardinal, number_words
from kiosk.reading.tables import Abbr, Rules, pairs, words

_FEMALE = frozenset(words("Élisabeth Elisabeth Catherine Marie Anne Jeanne Victoria Reine"))
REGNAL_NAMES = _FEMALE | frozenset(
    words(
        "Louis Henri Charles François Philippe Napoléon Jean Pie Léon Benoît Grégoire Innocent "
        "Clément Paul Pierre Guillaume Édouard Frédéric Ferdinand Alphonse Gustave Christian "
        "Richard Jacques Nicolas Alexandre Othon Rodolphe Robert Lothaire Childéric Clovis "
        "Ramsès Pape Roi"
    )
)


def _regnal(name: str, n: int) -> str:
    """"Louis XIV" is "Louis quatorze": French says regnal numbers as cardinals, but the
    first is "premier" ("François Ier")."""
    if n == 1:
        return "première" if name in _FEMALE else "premier"
    return cardinal(FRENCH, n) or str(n)


_PAGES = Abbr("pages", before_number="page", before_range="pages", after_number="pages",
              after_one="page", needs_number=True)  # fmt: skip

ABBREVIATIONS: dict[str, Abbr | str] = {
    "p.": _PAGES,
    "pp.": Abbr("pages", needs_number=True),
    "éd.": Abbr("édition", before_by="édité", after_name="éditeur"),
    "ed.": Abbr("édition", before_by="édité"),
    "trad.": Abbr("traduction", before_by="traduit"),
    "préf.": Abbr("préface", before_by="préfacé"),
    "ill.": Abbr("illustrations", before_by="illustré", list_only=True),
    "rev.": Abbr("revue", after_ordinal="revue"),
    "t.": Abbr("tome", needs_number=True),
    "f.": Abbr("feuillets", after_number="feuillets", needs_number=True),
    "no": Abbr("numéro", needs_number=True),
    "n°": "numéro",
    "env.": Abbr("environ", needs_number=True),
    "cm": Abbr("centimètres", needs_number=True),
    "min.": Abbr("minutes", after_one="minute", needs_number=True),
    **pairs(
        "nouv. = nouvelle | augm. = augmentée | corr. = corrigée "
        "| vol. = volume | chap. = chapitre | fasc. = fascicule | fig. = figure "
        "| cf. = voir | etc. = et cetera | c.-à-d. = c'est-à-dire "
        "| av. = avant | apr. = après | J.-C. = Jésus-Christ | St = Saint | Ste = Sainte "
        "| Mme = Madame | Mlle = Mademoiselle | Mgr = Monseigneur | impr. = imprimerie "
        "| libr. = librairie | Libr. = librairie | & = et "
        "| suiv. = suivantes | sqq. = et suivantes | MM. = Messieurs "
        # The first is the one ordinal with a gender: "1er" premier, "1re" première.
        "| 1er = premier | 1re = première | 1ère = première | Ier = premier | Ire = première"
    ),
}  # fmt: skip

RULES = Rules(
    lang="fr",
    abbreviations=ABBREVIATIONS,
    **number_words(FRENCH),
    regnal=_regnal,
    regnal_names=REGNAL_NAMES,
    part_words=frozenset(
        words("partie tome t volume vol livre chapitre chap numéro no n° série fascicule fasc")
    ),
    by_words=frozenset({"par"}),
    range_word="à",
    open_range="depuis {year}",
    ordinal_dot=False,
    ordinal_dot_words=frozenset(
        words("éd édition ed tirage impr impression partie série vol volume t tome livre")
    ),
    ordinal_suffixes=("e", "er", "re", "ère", "ème", "è", "eme"),
    copyright_word="copyright",
    phonogram_word="phonogramme",
    and_others="et autres",
    number_word="numéro",
    drop_words=frozenset({"s.n.", "s.l.", "s.d.", "s.l.n.d.", "sic", "?"}),
    final=frozenset(words("etc. augm. corr. rev. suiv. sqq.")),
    conjunctions=frozenset(words("et ou à")),
    roman_ordinal_suffixes=frozenset(words("e ème eme er re ère")),
)
