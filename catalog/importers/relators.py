"""Who is "by": MARC relator codes ($4) and relator terms ($e, $j) in five languages.

A name in a record is spoken as the author only when its relator says it wrote (or composed)
the work, or when it carries no relator at all in a main-entry field.  Translators,
illustrators, editors and writers of a preface are credited in the record but a visitor who
hears "Sju bröder, by Eino Leino" (the translator) has been told something false.

Terms are matched whole, after lower-casing and dropping brackets and punctuation
("[ill.]" -> "ill"), never as substrings: "esipuheen kirjoittaja" (writer of the preface) and
"författare av förord" contain the words for "author".  A term not in the lists is judged by
the words in it that name a part of the book other than its text (preface, afterword,
introduction, commentary...); any other term is "unknown".  An unknown term on an added
entry (700) is treated as "not the author": we would rather leave a name unsaid than credit
the wrong person.  On the main entry (100/110/111) it is not: the cataloguer made that name
the work's main entry, and local shorthand ("aut.", "kirj.", "forfatter") must not make the
author of "Nils Holgerssons underbara resa" vanish.
"""

from __future__ import annotations

from functools import lru_cache

# Every code of the MARC Code List for Relators (Library of Congress), including the
# discontinued ones that older records still carry.  Only membership matters here: a $4
# that is not in this set is not a relator (some systems put a URI or a local code there).
MARC_RELATOR_CODES = frozenset(
    (
        "abr", "acp", "act", "adi", "adp", "aft", "anc", "anl", "anm", "ann", "ant", "ape",
        "apl", "app", "aqt", "arc", "ard", "arr", "art", "asg", "asn", "ato", "att", "auc",
        "aud", "aue", "aui", "aup", "aus", "aut", "bdd", "bjd", "bka", "bkd", "bkp", "blw",
        "bnd", "bpd", "brd", "brl", "bsl", "cad", "cas", "ccp", "chr", "clb", "cli", "cll",
        "clr", "clt", "cmm", "cmp", "cmt", "cnd", "cng", "cns", "coe", "col", "com", "con",
        "cop", "cor", "cos", "cot", "cou", "cov", "cpc", "cpe", "cph", "cpl", "cpt", "cre",
        "crp", "crr", "crt", "csl", "csp", "cst", "ctb", "cte", "ctg", "ctr", "cts", "ctt",
        "cur", "cwt", "dbd", "dbp", "dfd", "dfe", "dft", "dgc", "dgg", "dgs", "dis", "djo",
        "dln", "dnc", "dnr", "dpc", "dpt", "drm", "drt", "dsr", "dst", "dtc", "dte", "dtm",
        "dto", "dub", "edc", "edd", "edm", "edt", "egr", "elg", "elt", "eng", "enj", "etr",
        "evp", "exp", "fac", "fds", "fld", "flm", "fmd", "fmk", "fmo", "fmp", "fnd", "fon",
        "fpy", "frg", "gdv", "gis", "grt", "his", "hnr", "hst", "ill", "ilu", "ins", "inv",
        "isb", "itr", "ive", "ivr", "jud", "jug", "lbr", "lbt", "ldr", "led", "lee", "lel",
        "len", "let", "lgd", "lie", "lil", "lit", "lsa", "lse", "lso", "ltg", "lyr", "mcp",
        "mdc", "med", "mfp", "mfr", "mka", "mod", "mon", "mrb", "mrk", "msd", "mte", "mtk",
        "mup", "mus", "mxe", "nan", "nrt", "onp", "opn", "org", "orm", "osp", "oth", "own",
        "pad", "pan", "pat", "pbd", "pbl", "pdr", "pfr", "pht", "plt", "pma", "pmn", "pop",
        "ppm", "ppt", "pra", "prc", "prd", "pre", "prf", "prg", "prm", "prn", "pro", "prp",
        "prs", "prt", "prv", "pta", "pte", "ptf", "pth", "ptt", "pup", "rap", "rbr", "rcd",
        "rce", "rcp", "rdd", "red", "ren", "res", "rev", "rpc", "rps", "rpt", "rpy", "rse",
        "rsg", "rsp", "rsr", "rst", "rth", "rtm", "rxa", "sad", "sce", "scl", "scr", "sde",
        "sds", "sec", "sfx", "sgd", "sgn", "sht", "sll", "sng", "spk", "spn", "spy", "srv",
        "std", "stg", "stl", "stm", "stn", "str", "swd", "tau", "tcd", "tch", "ths", "tld",
        "tlg", "tlh", "tlp", "trc", "trl", "tyd", "tyg", "uvp", "vac", "vdg", "vfx", "voc",
        "wac", "wal", "wam", "wat", "wdc", "wde", "win", "wit", "wpr", "wst",
    )
)  # fmt: skip

AUTHOR_CODES = frozenset({"aut", "cre", "cmp", "lyr", "lbt", "aus", "tau", "ant", "dub"})
"""Codes of people who made the work itself: spoken as "by"."""

NARRATOR_CODES = frozenset({"nrt", "spk", "prf", "stl", "vac"})
"""Codes of people whose voice the visitor hears in a talking book (on a music recording:
the performers, "prf")."""

PERFORMER_CODES = frozenset({"cnd", "itr", "voc", "sng", "mus"})
"""Conductors, instrumentalists, singers, musicians: the performers of a music recording,
said with ``prf`` ("Performed by"); on anything else they are not said (role "performer")."""

PERFORMER_TERMS = frozenset(
    (
        "conductor", "instrumentalist", "musician", "singer", "vocalist", "dirigent",
        "musiker", "sångare", "sångerska", "kapellimestari", "muusikko", "laulaja", "sänger",
        "sängerin", "chef d'orchestre", "chanteur", "chanteuse", "musicien", "musicienne",
    )
)  # fmt: skip

AUTHOR_TERMS = frozenset(
    (
        "author", "authors", "writer", "creator", "composer", "lyricist", "librettist",
        "screenwriter", "author of work", "upphov", "upphovsman", "upphovsperson",
        "författare", "förf", "författarinna", "kompositör", "tonsättare", "textförfattare",
        "manusförfattare", "kirjoittaja", "kirjoittajat", "tekijä", "tekijät", "säveltäjä",
        "sanoittaja", "käsikirjoittaja", "verfasser", "verfasserin", "autor", "autorin",
        "komponist", "komponistin", "textdichter", "auteur", "auteure", "autrice",
        "compositeur", "compositrice", "parolier", "librettiste", "scénariste",
        "joint author", "jt author", "co-author", "coauthor", "medförfattare",
        "kanssakirjoittaja", "mitverfasser", "coauteur", "co-auteur", "автор", "авт",
        "aut", "auth", "kirj", "forfatter", "forf", "forfattare", "forfatterinde",
        "kirjoittanut", "skribent", "writer of the work", "author of the work",
    )
)  # fmt: skip
"""Whole terms that mean "wrote the work"."""

NARRATOR_TERMS = frozenset(
    (
        "narrator", "reader", "read by", "speaker", "storyteller", "voice actor",
        "performer", "uppläsare", "inläsare", "uppläsning", "inläsning", "berättare",
        "läsare", "inläst av", "uppläst av", "lukija", "lukijat", "kertoja", "sprecher",
        "sprecherin", "erzähler", "erzählerin", "vorleser", "vorleserin", "lecteur",
        "lectrice", "narrateur", "narratrice", "conteur", "conteuse", "inl", "uppl",
        "esittäjä", "lukija ja esittäjä", "uppläsning och bearbetning", "чтец",
    )
)  # fmt: skip
"""Whole terms that mean "reads the talking book aloud"."""

# Words that, anywhere in a term, name a part of the book other than its main text or a
# role other than writing it: "writer of preface", "esipuheen kirjoittaja", "författare av
# förord", "Verfasser eines Vorworts", "auteur de la préface".
OTHER_PART_WORDS = (
    "preface", "foreword", "introduction", "afterword", "epilogue", "commentary", "comment",
    "notes", "annotat", "supplementary", "accompanying", "added", "quotations", "dialog",
    "förord", "efterord", "inledning", "kommentar", "noter", "förf av", "författare av",
    "författare till", "esipuhe", "jälkisana", "johdanto", "kommentaari", "selitys",
    "huomautu", "vorwort", "nachwort", "einleitung", "kommentar", "anmerkung", "geleitwort",
    "préface", "postface", "avant-propos", "commentaire", "introduction", "notes",
    "предисл", "послесл", "вступ", "коммент", "примеч",
)  # fmt: skip

OTHER_TERMS = frozenset(
    (
        "translator", "illustrator", "editor", "ed", "eds", "edt", "comp", "compiler",
        "photographer", "arranger", "publisher", "contributor", "översättare", "övers",
        "illustratör", "ill", "redaktör", "red", "utg", "utgivare", "fotograf", "bearbetare",
        "bearb", "kääntäjä", "suom", "suomentaja", "kuvittaja", "toimittaja", "toim",
        "übersetzer", "übers", "illustrator", "herausgeber", "hrsg", "traducteur", "trad",
        "illustrateur", "éditeur", "oversetter", "oversætter", "illustratør", "redaktør",
        "переводчик", "пер", "ред", "ил",
    )
)  # fmt: skip
"""Common terms for roles other than writing: known, so never "unknown"."""

_WORD_SPLIT = ",;&/"


def _terms(text: str) -> list[str]:
    """``"[Författare, illustratör.]"`` -> ``["författare", "illustratör"]``."""
    low = text.lower().replace("[", " ").replace("]", " ").replace("(", " ").replace(")", " ")
    for sep in _WORD_SPLIT:
        low = low.replace(sep, "|")
    for joiner in (" and ", " och ", " ja ", " und ", " et ", " og "):
        low = low.replace(joiner, "|")
    parts = (" ".join(p.replace(".", " ").replace(":", " ").split()) for p in low.split("|"))
    return [p for p in parts if p]


def term_role(term: str) -> str:
    """``"author"``, ``"narrator"``, ``"performer"``, ``"other"`` or ``"unknown"`` for one
    normalised term.

    A relator code written as a term ("aut", "trl", "ill") counts as that code.
    """
    if any(word in term for word in OTHER_PART_WORDS):
        return "other"
    if term in AUTHOR_TERMS or term in AUTHOR_CODES:
        return "author"
    if term in NARRATOR_TERMS or term in NARRATOR_CODES:
        return "narrator"
    if term in PERFORMER_TERMS or term in PERFORMER_CODES:
        return "performer"
    if term in MARC_RELATOR_CODES or term in OTHER_TERMS:
        return "other"
    return "unknown"


def roles(codes: list[str], terms: list[str]) -> frozenset[str]:
    """The roles a name's ``$4`` codes and ``$e``/``$j`` terms give it (empty: no relator).

    A code that is no MARC relator is read as a term (some systems write "[ill.]" or
    "författare" in $4).  Cached: a catalogue uses a few dozen relator spellings.
    """
    if not codes and not terms:
        return _NONE
    return _roles(tuple(codes), tuple(terms))


_NONE: frozenset[str] = frozenset()


@lru_cache(maxsize=4096)
def _roles(codes: tuple[str, ...], terms: tuple[str, ...]) -> frozenset[str]:
    found: set[str] = set()
    for raw in codes:
        code = raw.strip().lower().strip("[]().,:; ")
        if code.startswith("http") and "/relators/" in code:  # id.loc.gov URI
            code = code.rstrip("/").rsplit("/", 1)[-1]
        if code in AUTHOR_CODES:
            found.add("author")
        elif code in NARRATOR_CODES:
            found.add("narrator")
        elif code in PERFORMER_CODES:
            found.add("performer")
        elif code in MARC_RELATOR_CODES:
            found.add("other")
        elif code:
            found.update(term_role(t) for t in _terms(raw))
    for raw in terms:
        found.update(term_role(t) for t in _terms(raw[:200]))
    return frozenset(found)
