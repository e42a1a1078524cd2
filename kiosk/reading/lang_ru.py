"""Russian numbers: "2-е изд., испр. и доп.", "XIX век" as a Russian reader says them.

Asked (``espeak_TextToPhonemes``), eSpeak NG's Russian voice reads "2-е изд." as "два е изд"
and "2-й том" as "два и краткое том": the catalogue's ordinal with its ending ("-е" neuter,
"-й" masculine, "-я" feminine) reaches it as digits and letters.  Russian has no reading
table here yet (its abbreviations' sentence ends are the language-neutral rule's); this pass
says only what a Russian edition statement and part number are made of: the ordinal, in the
gender and case its ending gives, the edition words that agree with "издание", and roman
numerals (which eSpeak reads in English: "roman twenty").
"""

from __future__ import annotations

import re

from kiosk.reading.numbers import roman_value
from kiosk.reading.tables import words

# Ordinal stems 1-19 and of each ten, with their masculine ending ("ый" or stressed "ой").
_STEMS = words(
    "_ перв:ый втор:ой трет:ий четвёрт:ый пят:ый шест:ой седьм:ой восьм:ой девят:ый десят:ый "
    "одиннадцат:ый двенадцат:ый тринадцат:ый четырнадцат:ый пятнадцат:ый шестнадцат:ый "
    "семнадцат:ый восемнадцат:ый девятнадцат:ый"
)
_TEN_STEMS = words(
    "_ _ двадцат:ый тридцат:ый сороков:ой пятидесят:ый шестидесят:ый семидесят:ый "
    "восьмидесят:ый девяност:ый"
)
_TENS = words("_ _ двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят девяносто")
# Endings by gender and case, after a plain stem ("перв") and after "трет": "-е" (издание),
# "-й" (том, век), "-я" (часть); "-го" (века), "-м" (в веке).
_PLAIN = {"е": "ое", "я": "ая", "го": "ого", "м": "ом"}
_SOFT = {"е": "ье", "я": "ья", "й": "ий", "го": "ьего", "м": "ьем"}
# A roman numeral, and the case of "век" after it: "XIX век", "XIX века", "в XIX веке".
_ROMAN = re.compile(
    r"(?<![\w-])([IVXLC]{1,7})(?![\w-])(?:\s(века|веке|веку|век|столетие|столетия)(?!\w))?"
)
_CENTURY_CASE = {"век": "й", "века": "го", "веке": "м", "веку": "му", "столетие": "е",
                 "столетия": "го"}  # fmt: skip
_ORDINAL = re.compile(r"(?<![\w-])(\d{1,2})-(го|му|[еяйм])(?!\w)")
# The words of an edition statement after its ordinal: they agree with "издание".
_EDITION = re.compile(
    r"(?<!\w)(изд|испр|доп|перераб|стер|расш|уточн)\.(?=[\s,;]|$)", re.IGNORECASE
)
_EDITION_WORDS = {
    "изд": "издание", "испр": "исправленное", "доп": "дополненное",
    "перераб": "переработанное", "стер": "стереотипное", "расш": "расширенное",
    "уточн": "уточнённое",
}  # fmt: skip


def ordinal(n: int, ending: str) -> str | None:
    """``(2, "е")`` -> "второе", ``(21, "й")`` -> "двадцать первый", ``(19, "м")`` ->
    "девятнадцатом"; ``None`` beyond 99."""
    if not 0 < n < 100:
        return None
    ten, one = divmod(n, 10)
    if n < 20:
        stem = _STEMS[n]
        head = ""
    elif not one:
        stem = _TEN_STEMS[ten]
        head = ""
    else:
        stem, head = _STEMS[one], _TENS[ten] + " "
    root, masculine = stem.split(":")
    if ending == "му":
        return f"{head}{root}{'ьему' if masculine == 'ий' else 'ому'}"
    said = _SOFT[ending] if masculine == "ий" else _PLAIN.get(ending, masculine)
    return f"{head}{root}{said}"


def _roman(match: re.Match[str]) -> str:
    """ "XIX век" -> "девятнадцатый век", "в XIX веке" -> "в девятнадцатом веке"; any other
    roman numeral as digits ("т. II" -> "т. 2"): eSpeak's Russian voice says "roman two" in
    English."""
    n = roman_value(match.group(1))
    if n is None:
        return match.group(0)
    noun = match.group(2)
    said = ordinal(n, _CENTURY_CASE[noun]) if noun else None
    return f"{said} {noun}" if said else str(n) + (f" {noun}" if noun else "")


def editions(text: str) -> str:
    """ "2-е изд., испр. и доп." -> "второе издание, исправленное и дополненное", "Изд. 2-е"
    -> "издание второе"; "Изд. АН СССР" (a publisher: "издательство") stays as written."""

    def say_ordinal(match: re.Match[str]) -> str:
        return ordinal(int(match.group(1)), match.group(2)) or match.group(0)

    text = _ROMAN.sub(_roman, _ORDINAL.sub(say_ordinal, text))
    edition = False

    def say_word(match: re.Match[str]) -> str:
        nonlocal edition
        word = match.group(1).lower()
        if word == "изд":
            following = text[match.end() : match.end() + 2].lstrip()
            if following[:1].isupper():
                return match.group(0)  # "Изд. АН СССР": the publisher
            edition = True
        return _EDITION_WORDS[word] if edition else match.group(0)

    return _EDITION.sub(say_word, text)


# Shorthand of Russian notes eSpeak NG reads as letters ("См." "es em", "г." "ge"), each with
# a full stop that made a pause.  A stop stays only where it ends a sentence.
_END = r"(?=\s+[\"«(]?[A-ZА-ЯЁ0-9]|\s*$)"
_SHORTHAND = re.compile(
    r"(?<![\w.])(?:(См|см|[гГ]л|т\.д|т\.п)\.|([тТ])\.\s(?=[\dIVXLC])|([сС])\.\s(?=(\d+[-–]\d)?))"
    r"|(?<=\d)\s?(гг|г)\.(" + _END + r")?|(?<=[IVXLC])\s(в)\."
)
# A ruler's numeral: "Пётр I" "Пётр Первый", "Екатерина II" "Екатерина Вторая".
_REGNAL = re.compile(r"(?<!\w)([А-ЯЁ][а-яё]{2,20})\s([IVX]{1,5})(?![\w-])")
_PART_WORDS = frozenset(words("Том Часть Глава Книга Выпуск Раздел Серия Тетрадь Вып"))


_SEE = {"См": "Смотри", "см": "смотри", "Гл": "Глава", "гл": "глава", "т.д": "так далее",
        "т.п": "тому подобное"}  # fmt: skip


def shorthand(text: str) -> str:
    """ "См. также т. 1, с. 45-67" -> "Смотри также том 1, страницы 45-67", "в 1812 г." ->
    "в 1812 году", "В XIX в." -> "В XIX веке", "Пётр I" -> "Пётр Первый"."""

    def end_here(at: int) -> bool:
        return re.match(_END, text[at : at + 4]) is not None

    def say(match: re.Match[str]) -> str:
        see, volume, page, many, year, end, century = match.groups()
        before = text[max(0, match.start() - 12) : match.start()].split()
        after_in = len(before) >= 2 and before[-2].casefold() == "в"  # "в 1812 г."
        if see:
            return _SEE[see] + ("." if see[0] == "т" and end_here(match.end()) else "")
        if volume:
            return "Том " if volume == "Т" else "том "
        if page:
            said = "страницы " if many else "страница "
            return said.capitalize() if page == "С" else said
        if year:
            if year == "гг":
                said = "годах" if after_in else "годы"
            else:
                said = "году" if after_in else "года"
            return f" {said}" + ("." if end is not None else "")
        if century:
            return " веке" if after_in else " века"
        return match.group(0)

    def regnal(match: re.Match[str]) -> str:
        name, numeral = match.groups()
        n = roman_value(numeral)
        if name in _PART_WORDS or n is None:
            return match.group(0)
        said = ordinal(n, "я" if name[-1] in "ая" else "й")
        return f"{name} {said[:1].upper()}{said[1:]}" if said else match.group(0)

    return _REGNAL.sub(regnal, _SHORTHAND.sub(say, text))
