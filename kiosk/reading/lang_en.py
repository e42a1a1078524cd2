"""English reading table: how LC/AACR2-style catalogue shorthand is said."""

from __future__ import annotations

from kiosk.reading.numbers import en_cardinal, en_decade, en_ordinal, en_year
from kiosk.reading.tables import Abbr, Rules, words

REGNAL_NAMES = frozenset(
    words(
        "Henry Edward George William Richard Charles James John Elizabeth Mary Anne Victoria "
        "Louis Philip Philippe Napoleon Napoléon Peter Ivan Nicholas Alexander Catherine Frederick "
        "Frederik Friedrich Wilhelm Christian Gustav Gustavus Gustaf Charles Karl Carl Eric Erik "
        "Olaf Olav Haakon Magnus Valdemar Ferdinand Isabella Leopold Rudolf Otto Ludwig Pius Leo "
        "Benedict Gregory Innocent Clement Boniface Urban Paul Sixtus Julius Pope King Queen "
        "Ramesses Ramses Amenhotep Thutmose Ptolemy Antiochus Mehmed Murad Selim Suleiman Juan "
        "Alfonso Pedro Manuel Felipe Sancho Jaime Juliana Beatrix Wilhelmina Margrethe Harald "
        "Constantine Darius Xerxes Cyrus Artaxerxes Tiglath-Pileser Sargon Shalmaneser Napoléon"
    )
)


def _regnal(_name: str, n: int) -> str:
    return f"the {en_ordinal(n)}"


_PAGES = Abbr(
    "pages", before_number="page", before_range="pages", after_number="pages", after_one="page"
)

ABBREVIATIONS: dict[str, Abbr | str] = {
    # Extent and pagination.
    "p.": _PAGES,
    "pp.": Abbr("pages", before_number="pages", after_number="pages"),
    "pg.": _PAGES,
    "leaves": "leaves",
    # Extents as Nordic, German and Russian agencies write them ("345 s.", "ca 300 sid.",
    # "1 CD (ca 20 tim.)"): an English-speaking visitor hears them in English.
    "s.": Abbr("pages", before_number="page", before_range="pages", after_number="pages",
               after_one="page", needs_number=True),
    "S.": Abbr("pages", before_number="page", before_range="pages", after_number="pages",
               after_one="page", needs_number=True),
    "sid.": Abbr("pages", before_number="page", before_range="pages", after_number="pages",
                 after_one="page", needs_number=True),
    "sidor": Abbr("pages", after_number="pages", needs_number=True),
    "sivua": Abbr("pages", after_number="pages", needs_number=True),
    "с.": Abbr("pages", after_number="pages", needs_number=True),
    "ص.": Abbr("pages", after_number="pages", needs_number=True),  # Arabic "345 ص."
    "页": Abbr("pages", after_number="pages", needs_number=True),  # Chinese "735页"
    "頁": Abbr("pages", after_number="pages", needs_number=True),
    "bl.": Abbr("leaves", after_number="leaves", needs_number=True),
    "lehteä": Abbr("leaves", after_number="leaves", needs_number=True),
    "т.": Abbr("volumes", after_number="volumes", after_one="volume", needs_number=True),
    "band": Abbr("volumes", after_number="volumes", after_one="volume", needs_number=True),
    "tim.": Abbr("hours", after_one="hour", needs_number=True),
    "tim": Abbr("hours", after_one="hour", needs_number=True),
    "ca": Abbr("about", needs_number=True),
    "v.": Abbr("volumes", before_number="volume", after_number="volumes", after_one="volume"),
    "vol.": Abbr("volume", after_number="volumes", after_one="volume"),
    "Vol.": Abbr("volume", after_number="volumes", after_one="volume"),
    "vols.": "volumes",
    "no.": Abbr("number", needs_number=True),
    "No.": Abbr("number", needs_number=True),
    "nos.": Abbr("numbers", needs_number=True),
    "pt.": "part",
    "fig.": Abbr("figure", after_number="figures"),
    "figs.": "figures",
    "ft.": Abbr("feet", after_one="foot", needs_number=True),
    "yd.": Abbr("yards", after_one="yard", needs_number=True),
    "yds.": Abbr("yards", needs_number=True),
    "mi.": Abbr("miles", after_one="mile", needs_number=True),
    "lb.": Abbr("pounds", after_one="pound", needs_number=True),
    "lbs.": Abbr("pounds", needs_number=True),
    "oz.": Abbr("ounces", after_one="ounce", needs_number=True),
    "sq.": Abbr("square", needs_number=True),
    "Jan.": "January", "Feb.": "February", "Mar.": "March", "Apr.": "April", "Jun.": "June",
    "Jul.": "July", "Aug.": "August", "Sep.": "September", "Sept.": "September",
    "Oct.": "October", "Nov.": "November", "Dec.": "December",
    "Mme.": "Madame", "Mlle.": "Mademoiselle", "Mgr.": "Monseigneur",
    # Written as one word, the way eSpeak NG spells it: "U S A." would end in what it takes
    # for an initial, and the sentence's pause after it would be lost.
    "U.S.A.": "USA",
    "U.S.": Abbr("US", before_name="US"),  # "the U.S. Army", "on the U.S. Billboard chart"
    "U.K.": Abbr("UK", before_name="UK"),
    "D.C.": "DC",
    "Pt.": "part",
    "bk.": "book",
    "ch.": "chapter",
    "chap.": "chapter",
    "sect.": "section",
    "ill.": Abbr("illustrations", before_by="illustrated", list_only=True),
    "illus.": Abbr("illustrations", before_by="illustrated"),
    "ills.": "illustrations",
    "col.": "colour",
    "Col.": Abbr("colour", before_name="Colonel"),
    "ports.": Abbr("portraits", list_only=True),
    "port.": Abbr("portrait", list_only=True),
    "facsims.": "facsimiles",
    "facsim.": "facsimile",
    "diagrs.": "diagrams",
    "geneal.": "genealogical",
    "tables": "tables",
    "plates": "plates",
    "bibliog.": "bibliography",
    "ser.": "series",
    "suppl.": "supplement",
    "misc.": "miscellaneous",
    "ff.": "and following",
    "ibid.": "in the same place",
    "n.d.": "no date",
    "Bros.": "Brothers",
    "Publ.": "Publishing",
    "Pub.": "Publishing",
    "Ph.D.": "P H D",
    "bibl.": "bibliography",
    "incl.": "including",
    "cm": Abbr("centimetres", needs_number=True),
    "cm.": Abbr("centimetres", needs_number=True),
    "mm.": Abbr("millimetres", needs_number=True),
    "in.": Abbr("inches", after_one="inch", needs_number=True),
    "min.": Abbr("minutes", after_one="minute", needs_number=True),
    "hr.": Abbr("hours", after_one="hour", needs_number=True),
    "hrs.": Abbr("hours", needs_number=True),
    "sec.": Abbr("seconds", needs_number=True),
    "sd.": "sound",
    "b&w": "black and white",
    # Editions.
    "ed.": Abbr("edition", before_by="edited", after_name="editor", after_edition="edition"),
    "eds.": Abbr("editors", before_by="edited"),
    "edn.": "edition",
    "rev.": Abbr("revised", before_by="revised"),
    "Rev.": Abbr("revised", before_by="revised", before_name="Reverend"),
    "enl.": "enlarged",
    "corr.": "corrected",
    "expanded": "expanded",
    "augm.": "augmented",
    "abr.": "abridged",
    "abridg.": "abridged",
    "unabr.": "unabridged",
    "repr.": "reprint",
    "reprint.": "reprint",
    "pbk.": "paperback",
    "hbk.": "hardback",
    "cop.": "copyright",
    "impr.": "impression",
    # People.
    "trans.": Abbr("translation", before_by="translated", after_name="translator"),
    "transl.": Abbr("translation", before_by="translated", after_name="translator"),
    "tr.": Abbr("translation", before_by="translated", after_name="translator"),
    "comp.": Abbr("compiler", before_by="compiled"),
    "introd.": Abbr("introduction", before_by="introduced"),
    "intro.": "introduction",
    "pref.": "preface",
    "fwd.": "foreword",
    "illustr.": Abbr("illustrations", before_by="illustrated"),
    "narr.": Abbr("narrator", before_by="narrated"),
    "b.": Abbr("born", before_year="born", needs_number=True),
    "d.": Abbr("died", before_year="died", after_name="died", needs_number=True),
    "fl.": Abbr("flourished", needs_number=True),
    "ca.": "circa",
    "c.": Abbr("circa", after_ordinal="century", needs_number=True),  # "the late 20th c."
    "cent.": Abbr("century", after_ordinal="century"),
    "approx.": "approximately",
    # Titles of address: eSpeak NG says "Lt" as letters, "Capt" as a word, and the stop
    # before the name was a sentence end ("Lt. | Col. Smith").
    "Lt.": "Lieutenant", "Lieut.": "Lieutenant", "Capt.": "Captain", "Cpt.": "Captain",
    "Gen.": "General", "Maj.": "Major", "Sgt.": "Sergeant",
    "Cpl.": "Corporal", "Pvt.": "Private", "Adm.": "Admiral", "Cmdr.": "Commander",
    "Comdr.": "Commander", "Brig.": "Brigadier", "Sen.": "Senator", "Gov.": "Governor",
    "Rep.": "Representative", "Pres.": "President", "Hon.": "Honourable", "Supt.": "Superintendent",
    "Msgr.": "Monsignor", "Fr.": Abbr("French", before_name="Father"), "Rt.": "Right",
    "Dr.": "Doctor",
    "Mr.": "Mister",
    "Mrs.": "Missis",
    "Ms.": "Miz",
    "Prof.": "Professor",
    "Jr.": "Junior",
    "Sr.": "Senior",
    "St.": Abbr("Saint", after_proper="Street"),
    "Mt.": "Mount",
    "Ft.": "Fort",
    "Co.": "Company",
    "Corp.": "Corporation",
    "Inc.": "Incorporated",
    "Ltd.": "Limited",
    "Univ.": "University",
    "Dept.": "Department",
    "Div.": "Division",
    "Comm.": "Committee",
    "Assoc.": "Association",
    "Soc.": "Society",
    "Inst.": "Institute",
    "Natl.": "National",
    "Intl.": "International",
    "e.g.": "for example",
    "i.e.": "that is",
    "etc.": "et cetera",
    "viz.": "namely",
    "cf.": "compare",
    "vs.": "versus",
    "et al.": "and others",
    "N.Y.": "New York",
    "Calif.": "California",
    "Mass.": "Massachusetts",
    "N.J.": "New Jersey",
    "Conn.": "Connecticut",
    "Penn.": "Pennsylvania",
    "Pa.": "Pennsylvania",
    "Wash.": "Washington",
    "Ill.": Abbr("illustrations", after_name="Illinois", before_by="illustrated"),
    "Mich.": "Michigan",
    "Minn.": "Minnesota",
    "Va.": "Virginia",
    "Md.": "Maryland",
    "Tex.": "Texas",
    "Fla.": "Florida",
    "Ga.": "Georgia",
    "Ont.": "Ontario",
    "Eng.": "England",
    "Engl.": "England",
    "B.C.": "BC",
    "A.D.": "A D",
    "&": "and",
}  # fmt: skip

RULES = Rules(
    lang="en",
    abbreviations=ABBREVIATIONS,
    cardinal=en_cardinal,
    ordinal=en_ordinal,
    regnal=_regnal,
    regnal_names=REGNAL_NAMES,
    part_words=frozenset(
        words(
            "part pt volume vol v book bk chapter ch no number issue episode act season series "
            "tome section sect war"
        )
    ),
    by_words=frozenset({"by"}),
    range_word="to",
    open_range="from {year}",
    ordinal_dot=False,
    ordinal_dot_words=frozenset(
        words("ed edition edn rev revised impr impression printing print enl expanded updated")
    ),
    ordinal_suffixes=("st", "nd", "rd", "th", "d"),
    phonogram_word="phonogram",
    and_others="and others",
    number_word="number",
    year=en_year,
    decade=en_decade,
    decade_suffix="s",
    drop_words=frozenset({"s.n.", "s.l.", "n.d.", "s.a.", "sic", "?", "s.l. : s.n.", "n.p."}),
    final=frozenset(
        words(
            "etc. Jr. Sr. Inc. Ltd. Co. Bros. Corp. U.S.A. U.S. U.K. D.C. B.C. a.m. p.m. esq. "
            "Esq. ff. n.d."
        )
    ),
    edition_words=frozenset(
        words(
            "rev revised enl enlarged new corr corrected augm augmented updated expanded abr "
            "abridged unabr unabridged illus illustrated special anniversary definitive"
        )
    ),
    conjunctions=frozenset(words("and or to")),
    sentence_starters=frozenset(
        words(
            "the a an it its he she they we i you his her their our this that these those "
            "there then in on at after before when while as for from with by but and so now "
            "later today one some all many most each both such if although during since"
        )
    ),
    phrases={
        # Swedish and Finnish extents ("1 ljudskiva", "2 CD-skivor") as an English listener
        # says them.
        "ljudskiva": ("sound disc", "sound discs"), "ljudskivor": ("sound discs", "sound discs"),
        "cd-skiva": ("CD", "CDs"), "cd-skivor": ("CDs", "CDs"),
        "mp3-skiva": ("MP3 disc", "MP3 discs"), "mp3-skivor": ("MP3 discs", "MP3 discs"),
        "dvd-skiva": ("DVD", "DVDs"), "dvd-skivor": ("DVDs", "DVDs"),
        "ljudkassett": ("sound cassette", "sound cassettes"),
        "ljudkassetter": ("sound cassettes", "sound cassettes"),
        "videokassett": ("videocassette", "videocassettes"),
        "videokassetter": ("videocassettes", "videocassettes"),
        "onlineresurs": ("online resource", "online resources"),
        "onlineresurser": ("online resources", "online resources"),
        "äänilevy": ("sound disc", "sound discs"), "äänilevyä": ("sound discs", "sound discs"),
        "CD-äänilevy": ("CD", "CDs"), "CD-äänilevyä": ("CDs", "CDs"),
        "verkkoaineisto": ("online resource", "online resources"),
        "karta": ("map", "maps"), "kartor": ("maps", "maps"),
        "kartta": ("map", "maps"), "karttaa": ("maps", "maps"),
    },
)
