"""Finnish reading table: how Fennica-style catalogue shorthand is said."""

from __future__ import annotations

from kiosk.reading.numbers import fi_cardinal, fi_ordinal
from kiosk.reading.tables import Abbr, Rules, words

REGNAL_NAMES = frozenset(
    words(
        "Kaarle Kustaa Eerik Juhana Kristian Fredrik Aleksanteri Nikolai Pietari Iivana Henrik "
        "Ludvig Yrjö Vilhelm Elisabet Kristiina Katariina Maria Paavali Johannes Pius Leo "
        "Benedictus Gregorius Ferdinand Napoleon Sigismund Magnus Olavi Haakon Ramses"
    )
)


def _regnal(_name: str, n: int) -> str:
    return fi_ordinal(n)


ABBREVIATIONS: dict[str, Abbr | str] = {
    "s.": Abbr("sivua", before_number="sivu", before_range="sivut", after_number="sivua",
               after_one="sivu"),
    "S.": Abbr("sivua", before_number="sivu", before_range="sivut", after_number="sivua",
               after_one="sivu"),
    "p.": "painos",
    "koulup.": "koulupainos",
    "näköisp.": "näköispainos",
    "Näköisp.": "näköispainos",
    "muuttam.": "muuttamaton",
    "tark.": "tarkistettu",
    "Tark.": "tarkistettu",
    "täyd.": "täydennetty",
    "uud.": "uudistettu",
    "kuv.": "kuvitettu",
    "varust.": "varustettu",
    "suom.": "suomentanut",
    "Suom.": "suomentanut",
    "toim.": "toimittanut",
    "Toim.": "toimittanut",
    "kirj.": "kirjoittanut",
    "julk.": "julkaissut",
    "sid.": "sidottu",
    "nid.": "nidottu",
    "os.": "osa",
    "n:o": "numero",
    "N:o": "numero",
    "nro": Abbr("numero", needs_number=True),
    "n.": Abbr("noin", needs_number=True),
    "v.": Abbr("vuonna", before_year="vuonna", needs_number=True),
    "vv.": Abbr("vuosina", needs_number=True),
    "ym.": "ynnä muuta",
    "yms.": "ynnä muuta sellaista",
    "jne.": "ja niin edelleen",
    "esim.": "esimerkiksi",
    "mm.": "muun muassa",
    "ns.": "niin sanottu",
    "eli.": "eli",
    "ks.": "katso",
    "vrt.": "vertaa",
    "tri": "tohtori",
    "prof.": "professori",
    "eKr.": "ennen Kristusta",
    "jKr.": "jälkeen Kristuksen",
    "r.y.": "rekisteröity yhdistys",
    "ry.": "rekisteröity yhdistys",
    "kpl": Abbr("kappaletta", needs_number=True),
    "min": Abbr("minuuttia", needs_number=True),
    "h": Abbr("tuntia", after_one="tunti", needs_number=True),
    "cm": Abbr("senttimetriä", needs_number=True),
    "Hki": "Helsinki",
    "Hkissa": "Helsingissä",
    "&": "ja",
}  # fmt: skip

RULES = Rules(
    lang="fi",
    abbreviations=ABBREVIATIONS,
    cardinal=fi_cardinal,
    ordinal=fi_ordinal,
    regnal=_regnal,
    regnal_names=REGNAL_NAMES,
    part_words=frozenset(words("osa osat nide vihko luku numero nro kirja jakso kausi")),
    by_words=frozenset(),
    range_word="–",
    open_range="{year} alkaen",
    ordinal_dot=True,
    copyright_word="copyright",
    phonogram_word="äänite",
    and_others="ja muita",
    number_word="numero",
    drop_words=frozenset({"s.n.", "s.l.", "s.a.", "sic", "?"}),
    final=frozenset(words("jne. ym. yms. ry. r.y. p. näköisp. eKr. jKr.")),
    conjunctions=frozenset(words("ja tai")),
)
