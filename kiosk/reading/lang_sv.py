"""Swedish reading table: how Libris-style catalogue shorthand is said."""

from __future__ import annotations

from functools import partial

from kiosk.reading.numbers import sv_cardinal, sv_ordinal
from kiosk.reading.numerals import SWEDISH
from kiosk.reading.numerals import year as year_words
from kiosk.reading.tables import Abbr, Rules, words

# Regnal names after which a roman numeral is "den tolfte"; women's names take "den första".
_FEMALE = frozenset(
    words(
        "Kristina Elisabet Elizabeth Maria Margareta Ulrika Katarina Anna Viktoria Victoria "
        "Drottning Juliana Beatrix Wilhelmina Margrethe Isabella Isabel Johanna Eleonora"
    )
)
_MALE = frozenset(
    words(
        "Karl Carl Gustav Gustaf Erik Johan Kristian Christian Fredrik Frederik Oscar Oskar Adolf "
        "Magnus Birger Valdemar Waldemar Håkan Haakon Olof Olav Sverker Knut Inge Albrekt Henrik "
        "Ludvig Louis Filip Philip Felipe Edvard Edward Georg George Wilhelm William Vilhelm "
        "Rikard Richard Jakob James Johannes Paulus Pius Leo Benedictus Gregorius Innocentius "
        "Clemens Bonifatius Urban Alexander Nikolaj Peter Ivan Ferdinand Napoleon Sigismund "
        "Kristofer Rudolf Otto Leopold Fredrik Frederick Friedrich Konstantin Ramses Amenhotep "
        "Thutmosis Ptolemaios Antiochos Mehmed Murad Selim Süleyman Juan Carlos Alfonso Pedro "
        "Manuel Henry Charles Jacques Heinrich Ludwig Alfred Haakon Kung Påve Paul Pål "
        "Benedikt Benedict Sixtus Julius Napoléon"
    )
)


def _regnal(name: str, n: int) -> str:
    return f"den {sv_ordinal(n, masculine=name not in _FEMALE)}"


ABBREVIATIONS: dict[str, Abbr | str] = {
    # Extent and pagination.
    "S.": Abbr("sidor", before_number="sidan", before_range="sidorna", after_number="sidor",
               after_one="sida"),
    "sid.": Abbr("sidor", before_number="sidan", before_range="sidorna", after_number="sidor",
                 after_one="sida"),
    "bl.": Abbr("blad", after_number="blad"),
    "b.": Abbr("band", after_number="band", needs_number=True),  # Norwegian "3 b." (bind)
    # Extents as other agencies write them (Libris copies LC and BnF records, a Swedish
    # visitor hears "310 sidor" whatever the record's language): English, French, German,
    # Finnish and Russian shorthand after a number.
    "p.": Abbr("sidor", before_number="sidan", before_range="sidorna", after_number="sidor",
               after_one="sida", needs_number=True),
    "pp.": Abbr("sidorna", before_number="sidorna", after_number="sidor", needs_number=True),
    "v.": Abbr("volymer", before_number="volym", after_number="volymer", after_one="volym",
               needs_number=True),
    "vols.": Abbr("volymer", after_number="volymer", needs_number=True),
    "l.": Abbr("blad", after_number="blad", needs_number=True),
    "leaves": Abbr("blad", after_number="blad", needs_number=True),
    "pages": Abbr("sidor", after_number="sidor", needs_number=True),
    "volumes": Abbr("volymer", after_number="volymer", needs_number=True),
    "s.": Abbr("sidor", before_number="sidan", before_range="sidorna", after_number="sidor",
               after_one="sida"),
    "с.": Abbr("sidor", after_number="sidor", needs_number=True),
    "ص.": Abbr("sidor", after_number="sidor", needs_number=True),  # Arabic "345 ص."
    "页": Abbr("sidor", after_number="sidor", needs_number=True),  # Chinese "735页"
    "頁": Abbr("sidor", after_number="sidor", needs_number=True),
    "т.": Abbr("volymer", after_number="volymer", after_one="volym", needs_number=True),
    "sivua": Abbr("sidor", after_number="sidor", needs_number=True),
    "lehteä": Abbr("blad", after_number="blad", needs_number=True),
    "pl.": Abbr("planscher", after_number="planscher"),
    "vol.": Abbr("volym", after_number="volymer", after_one="volym"),
    "bd": Abbr("band", after_number="band", needs_number=True),
    "bd.": Abbr("band", after_number="band"),
    "d.": Abbr("del", before_year="död", after_number="delar", after_name="död",
               needs_number=True),
    "nr": Abbr("nummer", needs_number=True),
    "nr.": Abbr("nummer", needs_number=True),
    "n:o": "nummer",
    "N:o": "nummer",
    "årg.": Abbr("årgång", after_ordinal="årgången"),
    "kap.": "kapitel",
    "fig.": Abbr("figur", after_number="figurer"),
    "figs.": "figurer",
    "pt.": "del",
    "omkr.": "omkring",
    "jan.": "januari", "febr.": "februari", "apr.": "april", "aug.": "augusti",
    "sept.": "september", "okt.": "oktober", "nov.": "november", "dec.": "december",
    "Mme.": "madame", "Mlle.": "mademoiselle", "Mgr.": "monseigneur",
    "ft.": Abbr("fot", needs_number=True),
    "ill.": Abbr("illustrationer", before_by="illustrerad"),
    "illustr.": Abbr("illustrationer", before_by="illustrerad"),
    "färgill.": "färgillustrationer",
    "fotogr.": Abbr("fotografier", before_by="fotograferad"),
    "portr.": "porträtt",
    "faks.": "faksimil",
    "kart.": "kartor",
    "tab.": "tabeller",
    "diagr.": "diagram",
    "bil.": "bilaga",
    "reg.": "register",
    "bibliogr.": "bibliografi",
    "opag.": "opaginerade",
    "numr.": "numrerade",
    "ss.": Abbr("sidorna", before_number="sidorna", after_number="sidor"),
    "orig:s": "originalets",
    "d.ä.": "den äldre",
    "d.y.": "den yngre",
    "uppl.läsn.": "uppläsning",
    "verkl.": "verkligt",
    "not.": Abbr("noter", list_only=True),
    "cm": Abbr("centimeter", needs_number=True),
    "kg": Abbr("kilo", needs_number=True),  # "3,5 kg": eSpeak alone says "k g"
    "cm.": Abbr("centimeter", needs_number=True),
    "tim": Abbr("timmar", after_one="timme", needs_number=True),
    "tim.": Abbr("timmar", after_one="timme", needs_number=True),
    # "Hr. Andersson" is "herr"; "9 hr." of an English extent is hours.
    "hr": Abbr("herr", after_number="timmar", after_one="timme"),
    "hr.": Abbr("herr", after_number="timmar", after_one="timme"),
    "hrs.": Abbr("timmar", needs_number=True),
    "min": Abbr("minuter", after_one="minut", needs_number=True),
    "min.": Abbr("minuter", after_one="minut", needs_number=True),
    "sek.": Abbr("sekunder", after_one="sekund", needs_number=True),
    "st.": Abbr("stycken", needs_number=True),
    # Editions.
    "uppl.": Abbr("upplaga", after_ordinal="upplagan"),
    "uppl": Abbr("upplaga", after_ordinal="upplagan", needs_number=True),
    "utg.": Abbr("utgåva", after_ordinal="utgåvan", before_by="utgiven", opening="utgiven"),
    "tr.": Abbr("tryckning", after_ordinal="tryckningen"),
    "omarb.": Abbr("omarbetad", after_ordinal="omarbetade"),
    "rev.": Abbr("reviderad", after_ordinal="reviderade"),
    "utök.": Abbr("utökad", after_ordinal="utökade"),
    "utvidg.": Abbr("utvidgad", after_ordinal="utvidgade"),
    "genoms.": Abbr("genomsedd", after_ordinal="genomsedda"),
    "förk.": Abbr("förkortad", after_ordinal="förkortade"),
    "bearb.": Abbr("bearbetning", before_by="bearbetad"),
    "oförändr.": Abbr("oförändrad", after_ordinal="oförändrade"),
    "uppdat.": Abbr("uppdaterad", after_ordinal="uppdaterade"),
    "inb.": "inbunden",
    "häft.": "häftad",
    "pocketuppl.": "pocketupplaga",
    "cop.": "copyright",
    # People.
    "övers.": Abbr("översättning", before_by="översatt"),
    "övers": Abbr("översättning", before_by="översatt"),
    "överss.": "översättning",
    "red.": Abbr("redaktör", before_by="redigerad", list_only=True),
    "förf.": "författare",
    "inl.": "inledning",
    "förord.": "förord",
    "komm.": "kommentarer",
    "sammanst.": Abbr("sammanställd", before_by="sammanställd"),
    "uppl.läsare": "uppläsare",
    "f.": Abbr("född", before_year="född", after_number="och följande", needs_number=True),
    # Titles before a name (ears3-37): "Kyrkoh. Pehr Ek och kapt. Lars Berg" was three
    # sentences.
    "kyrkoh.": "kyrkoherde", "kh.": "kyrkoherde", "kapt.": "kapten", "löjtn.": "löjtnant",
    "överstelöjtn.": "överstelöjtnant", "past.": "pastor",
    "ing.": "ingenjör", "dir.": "direktör", "doc.": "docent", "fil.dr": "filosofie doktor",
    "fil.kand.": "filosofie kandidat", "fil.mag.": "filosofie magister",
    "med.dr": "medicine doktor", "tf.": "tillförordnad", "t.f.": "tillförordnad",
    "dr.": "doktor",
    "Dr.": "doktor",
    "prof.": "professor",
    "Prof.": "professor",
    # General prose.
    "ca": Abbr("cirka", needs_number=True),
    # eSpeak NG spells these ("120 kr" is "K R", "etc." "e t c") or says a stub ("inkl").
    "kr": Abbr("kronor", after_one="krona", needs_number=True),
    "kr.": Abbr("kronor", after_one="krona", needs_number=True),
    "inkl.": "inklusive", "inkl": "inklusive", "exkl.": "exklusive", "exkl": "exklusive",
    "enl.": "enligt", "ev.": "eventuellt", "ang.": "angående", "etc.": "etcetera",
    "t.": Abbr("till", before_number="del"),  # "reste t. Uppsala", "T. 2"
    "ca.": "cirka",
    "c:a": "cirka",
    "t.ex.": "till exempel",
    "bl.a.": "bland annat",
    "m.fl.": "med flera",
    "m.m.": "med mera",
    "o.d.": "och dylikt",
    "osv.": "och så vidare",
    "o.s.v.": "och så vidare",
    "dvs.": "det vill säga",
    "d.v.s.": "det vill säga",
    "s.k.": "så kallade",
    "f.d.": "före detta",
    "fr.o.m.": "från och med",
    "t.o.m.": "till och med",
    "jfr": "jämför",
    "jfr.": "jämför",
    "resp.": "respektive",
    "kl.": "klockan",  # "Kl. 14.30": eSpeak alone spells "k l"
    "tel.": "telefon",
    "el.": "eller",
    "ff.": "och följande",  # "sidan 12 ff."
    "f.Kr.": "före Kristus",
    "e.Kr.": "efter Kristus",
    "fvt.": "före vår tideräkning",
    "evt.": "efter vår tideräkning",
    "orig.": "original",
    "originaltit.": "originaltitel",
    "eng.": "engelska",
    "sv.": "svenska",
    "fr.": Abbr("franska", before_language="från", before_number="från"),
    "ty.": "tyska",
    "fi.": "finska",
    "S:t": "Sankt",
    "S:ta": "Sankta",
    "St.": "Sankt",
    "Sthlm": "Stockholm",
    "Gbg": "Göteborg",
    "Hfors": "Helsingfors",
    "Hki": "Helsingfors",
    "Kbh.": "Köpenhamn",
    "Förl.": "förlag",
    "förl.": "förlag",
    "bokförl.": "bokförlag",
    "Bokförl.": "bokförlag",
    "Kungl.": "Kungliga",
    "univ.": "universitet",
    "akad.": "akademien",
    "inst.": "institutet",
    "sällsk.": "sällskapet",
    "förb.": "förbundet",
    "mus.": "museum",
    "&": "och",
}  # fmt: skip

RULES = Rules(
    lang="sv",
    abbreviations=ABBREVIATIONS,
    cardinal=sv_cardinal,
    ordinal=sv_ordinal,
    regnal=_regnal,
    regnal_names=_MALE | _FEMALE,
    part_words=frozenset(
        words(
            "del delen band bd volym vol pt nr nummer nummret häfte häftet bok boken kapitel kap "
            "akt "
            "avsnitt säsong serie årgång d"
        )
    ),
    by_words=frozenset({"av"}),
    range_word="till",
    open_range="från {year}",
    ordinal_dot=True,
    ordinal_suffixes=(":e", ":a"),
    and_others="med flera",
    drop_words=frozenset(
        {"s.n.", "s.l.", "u.å.", "u.o.", "s.a.", "sic", "?", "s.l. : s.n.", "utan år"}
    ),
    final=frozenset(
        words("etc. osv. o.s.v. m.fl. m.m. o.d. o.dyl. e.Kr. f.Kr. fvt. evt. d.ä. d.y. jr. ff.")
    ),
    language_words=frozenset(
        words(
            "engelskan engelska eng. tyskan tyska ty. franskan franska fr. ryskan ryska finskan "
            "finska fi. svenskan svenska sv. norskan norska no. danskan danska da. italienskan "
            "italienska it. spanskan spanska sp. isländskan isländska nederländskan nederländska "
            "holländskan holländska polskan polska latinet latin lat. grekiskan grekiska "
            "ungerskan ungerska tjeckiskan tjeckiska japanskan japanska kinesiskan kinesiska "
            "arabiskan arabiska persiskan persiska turkiskan turkiska portugisiskan portugisiska "
            "estniskan estniska hebreiskan hebreiska amerikanskan originalet orig."
        )
    ),
    conjunctions=frozenset(words("och eller samt till")),
    endings={"utg.": "utgåva", "uppl.": "upplaga"},  # "Storstilsutg.", "Jubileumsuppl."
    century_endings=frozenset(words("talet talets")),
    year=partial(year_words, SWEDISH),  # 1718: "sjuttonhundraarton", "1800-talet"
    roman_before_noun=True,
    phrases={
        # English and Finnish extents of a record from another agency, as a Swede says them.
        "sound disc": ("ljudskiva", "ljudskivor"), "sound discs": ("ljudskivor", "ljudskivor"),
        "audio disc": ("ljudskiva", "ljudskivor"), "audio discs": ("ljudskivor", "ljudskivor"),
        "compact disc": ("cd-skiva", "cd-skivor"), "compact discs": ("cd-skivor", "cd-skivor"),
        "sound cassette": ("ljudkassett", "ljudkassetter"),
        "sound cassettes": ("ljudkassetter", "ljudkassetter"),
        "audiocassette": ("ljudkassett", "ljudkassetter"),
        "audiocassettes": ("ljudkassetter", "ljudkassetter"),
        "videodisc": ("videoskiva", "videoskivor"), "videodiscs": ("videoskivor", "videoskivor"),
        "video disc": ("videoskiva", "videoskivor"), "video discs": ("videoskivor", "videoskivor"),
        "videocassette": ("videokassett", "videokassetter"),
        "videocassettes": ("videokassetter", "videokassetter"),
        "computer disc": ("dataskiva", "dataskivor"),
        "computer discs": ("dataskivor", "dataskivor"),
        "computer optical disc": ("optisk skiva", "optiska skivor"),
        "computer optical discs": ("optiska skivor", "optiska skivor"),
        "online resource": ("onlineresurs", "onlineresurser"),
        "online resources": ("onlineresurser", "onlineresurser"),
        "audio file": ("ljudfil", "ljudfiler"), "audio files": ("ljudfiler", "ljudfiler"),
        "sound file": ("ljudfil", "ljudfiler"), "sound files": ("ljudfiler", "ljudfiler"),
        "äänilevy": ("ljudskiva", "ljudskivor"), "äänilevyä": ("ljudskivor", "ljudskivor"),
        "CD-äänilevy": ("cd-skiva", "cd-skivor"), "CD-äänilevyä": ("cd-skivor", "cd-skivor"),
        "verkkoaineisto": ("onlineresurs", "onlineresurser"),
        "kartta": ("karta", "kartor"), "karttaa": ("kartor", "kartor"),
        "map": ("karta", "kartor"), "maps": ("kartor", "kartor"),
        "score": ("partitur", "partitur"), "scores": ("partitur", "partitur"),
        "leaves of plates": ("planschblad", "planschblad"),
        "leaf of plates": ("planschblad", "planschblad"),
        "pages of plates": ("planschsidor", "planschsidor"),
        "audiobook": ("ljudbok", "ljudböcker"), "audiobooks": ("ljudböcker", "ljudböcker"),
    },
)
