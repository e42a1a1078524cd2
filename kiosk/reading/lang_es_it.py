"""Spanish and Italian reading tables: only what eSpeak NG gets wrong by itself.

Asked (``espeak_TextToPhonemes``), eSpeak's Spanish voice already says "3ª edición" as
"tercera" and "Alfonso XIII" as "trece", and its Italian voice says "Vittorio Emanuele II" as
"secondo" and "Luigi XIV" as "quattordicesimo", and both read cardinals right.  What they get
wrong is the catalogue's shorthand: "2a ed." is "dos a ed", "2. ed." "due ed", "Felipe II"
"Felipe dos" (Spanish kings up to the tenth take ordinals), and a roman numeral the
normaliser turns into digits ("Luigi XIV" after a capitalised word) must stay an ordinal.
So these tables expand the shorthand, say edition and regnal ordinals (feminine for
"edición", "edizione") and leave every other number to the voice, as digits.
"""

from __future__ import annotations

from kiosk.reading.tables import Abbr, Rules, pairs, words

_ES_ORDINALS = words(
    "_ primera segunda tercera cuarta quinta sexta séptima octava novena décima undécima "
    "duodécima decimotercera decimocuarta decimoquinta decimosexta decimoséptima decimoctava "
    "decimonovena vigésima"
)
_ES_REGNAL = words("_ primero segundo tercero cuarto quinto sexto séptimo octavo noveno décimo")
_IT_ORDINALS = words(
    "_ prima seconda terza quarta quinta sesta settima ottava nona decima undicesima "
    "dodicesima tredicesima quattordicesima quindicesima sedicesima diciassettesima "
    "diciottesima diciannovesima ventesima"
)


# Italian kings and popes: "Luigi XIV" is "Luigi quattordicesimo" (masculine).
_IT_REGNAL = tuple(w[:-1] + "o" for w in _IT_ORDINALS)


def _listed(table: tuple[str, ...]) -> object:
    """An ordinal from ``table`` where it has one; digits (the voice's own reading) beyond."""

    def say(n: int) -> str:
        return table[n] if 0 < n < len(table) else str(n)

    return say


def _shorthand(spec: str, *, pages: str, number: str) -> dict[str, Abbr | str]:
    """The shorthand read by context, from one line of words: pages (many, one), edition,
    edited, translation, translated, illustrations, illustrated; ``pages`` and ``number``
    name the page and part abbreviations this language writes ("p. pág." / "t.")."""
    (many, one, edition, edited, translation, translated, illustrations,
     illustrated, part) = spec.split()  # fmt: skip
    page = Abbr(many, before_number=one, before_range=many, after_number=many, after_one=one,
                needs_number=True)  # fmt: skip
    return {
        **dict.fromkeys(words(pages), page),
        "ed.": Abbr(edition, before_by=edited),
        "trad.": Abbr(translation, before_by=translated),
        "il.": Abbr(illustrations, before_by=illustrated, list_only=True),
        "ill.": Abbr(illustrations, before_by=illustrated, list_only=True),
        number: Abbr(part, needs_number=True),
    }


def _rules(lang: str, ordinals: tuple[str, ...], abbreviations: dict[str, Abbr | str],
           **table: str) -> Rules:  # fmt: skip
    regnal = _listed(_ES_REGNAL if lang == "es" else _IT_REGNAL)
    return Rules(
        lang=lang,
        abbreviations=abbreviations,
        cardinal=str,  # "Vol. 3", "tomo 2": the voice says cardinals right
        ordinal=_listed(ordinals),  # type: ignore[arg-type]
        regnal=lambda _name, n: regnal(n),  # type: ignore[operator]
        regnal_names=frozenset(words(table["regnal_names"])),
        part_words=frozenset(),
        by_words=frozenset(words(table["by_words"])),
        range_word=table["range_word"],
        open_range=table["open_range"],
        ordinal_dot=False,
        ordinal_dot_words=frozenset(words(table["edition_words"])),
        ordinal_suffixes=("a", "ª", "o", "º"),
        and_others=table["and_others"],
        number_word=table["number_word"],
        drop_words=frozenset({"s.n.", "s.l.", "s.a.", "s.f.", "s.d.", "sic", "?"}),
        final=frozenset(words("etc. ecc. sigs. ss. segg. sgg.")),
    )


SPANISH_RULES = _rules(
    "es", _ES_ORDINALS,
    {
        **_shorthand(
            "páginas página edición editado traducción traducido ilustraciones ilustrado tomo",
            pages="p. pp. pág. págs.", number="t.",
        ),
        **pairs(
            "vol. = volumen | reimpr. = reimpresión | corr. = corregida | aum. = aumentada "
            "| rev. = revisada | act. = actualizada | cap. = capítulo | núm. = número "
            "| n.º = número | pról. = prólogo | aprox. = aproximadamente | etc. = etcétera "
            "| Dr. = doctor | Dra. = doctora | Sr. = señor | Sra. = señora | Srta. = señorita "
            "| Dña. = doña | Ud. = usted | Uds. = ustedes | Vd. = usted | Vds. = ustedes "
            "| Lic. = licenciado | Ing. = ingeniero | Sto. = santo | Sta. = santa "
            "| sigs. = siguientes | ss. = siguientes | & = y"
        ),
        # "s. XIX": the century before its numeral ("siglo XIX").
        "s.": Abbr("siglo", needs_number=True),
    },
    regnal_names="Felipe Carlos Alfonso Fernando Juan Enrique Isabel Pedro Sancho Jaime Luis "
                 "Francisco Pío León Benedicto Gregorio Juana Rey Reina Papa",
    by_words="por", range_word="a", open_range="desde {year}",
    edition_words="ed edición reimpr reimpresión", and_others="y otros", number_word="número",
)  # fmt: skip

ITALIAN_RULES = _rules(
    "it", _IT_ORDINALS,
    {
        **_shorthand(
            "pagine pagina edizione edito traduzione tradotto illustrazioni illustrato numero",
            pages="p. pp.", number="n.",
        ),
        **pairs(
            "vol. = volume | rist. = ristampa | riv. = riveduta | corr. = corretta "
            "| ampl. = ampliata | aggiorn. = aggiornata | cap. = capitolo | ecc. = eccetera "
            "| etc. = eccetera | pref. = prefazione | introd. = introduzione | dott. = dottor "
            "| prof. = professor | sig. = signor | sec. = secolo | pag. = pagina "
            "| cfr. = confronta | & = e | avv. = avvocato | ing. = ingegner | on. = onorevole "
            "| sig.ra = signora | dott.ssa = dottoressa | prof.ssa = professoressa "
            "| mons. = monsignor | segg. = seguenti | sgg. = seguenti | it. = italiana"
        ),
    },
    regnal_names="Luigi Carlo Vittorio Emanuele Umberto Ferdinando Francesco Enrico Filippo "
                 "Giovanni Paolo Pio Leone Benedetto Gregorio Innocenzo Clemente Bonifacio "
                 "Urbano Sisto Giulio Alessandro Federico Guglielmo Napoleone Papa Re",
    by_words="da", range_word="–", open_range="dal {year}",
    edition_words="ed edizione rist ristampa", and_others="e altri", number_word="numero",
)  # fmt: skip
