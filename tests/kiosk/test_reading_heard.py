"""What the reading rules sound like: real eSpeak NG synthesis of what the engine is given.

A sentence end is heard as a pause of about 0.3 s; a clause or word boundary as well under
0.2 s.  An abbreviation read literally ("fig.", "Omkr.", "St.") gave the listener a sentence
pause in mid-sentence, and one that lost its stop ("m.fl. Se") ran two sentences together.
Here the spoken form of catalogue text is synthesised whole, as the kiosk does, and its long
pauses are counted.
"""

from __future__ import annotations

import pytest

from kiosk import levels
from tests.hardware.heard_support import pauses, whole_text

SENTENCE_PAUSE = 0.2  # s: eSpeak's clause pauses are under 0.17 s at this rate, its full stop 0.3

CASES = [
    # (reading language, eSpeak voice, catalogue text, sentence ends in it)
    ("sv", "gmq/sv", "Kartan i Bd. 1 och fig. 2 visar staden omkr. 1950 i Pt. 2 av verket", 0),
    ("sv", "gmq/sv", "Hon bor hos sin moster m.fl. Se s. 45 om gården", 1),
    ("en", "en", "Dr. Smith lives on St. James St. in Washington with A.B. Smith, Jr. and his dog",
     0),
    ("en", "en", "It was written by A. B. Smith, Jr. Dr. Smith lives in Washington, D.C., U.S.A. "
                 "See ch. 3 of the book", 2),
    ("sv", "gmq/sv", "Övers. fr. engelskan av Louis-P. Turcotte och Del I och II i Kap. I-III", 0),
    # A stop after an address, a file or a number with a dot; before "I"; after a degree;
    # and a sentence that starts with an expanded abbreviation ("Pt. 2" is "Del två": said
    # "del två", eSpeak NG takes the stop before it for an abbreviation's and runs on).
    ("en", "en", "Available at http://example.com/book.pdf. Contact info@lib.org. Also at the "
                 "desk", 2),
    ("en", "en", "Call no. 839.73 is on the shelf. Dewey 823.914. Tel. 090 16 33 00 for help", 2),
    ("en", "en", "A foreword by Dr. Tolkien Ph.D. Approx. 300 pp. written at 5 p.m. on Jan. 3 "
                 "in Oxford", 1),
    ("en", "en", "He meets Gandalf et al. In ch. 3 they reach Rivendell", 1),
    ("sv", "gmq/sv", "Han möter Gandalf, Aragorn m.fl. I del 2 skiljs de åt vid Kl. 14.30 den "
                     "3 maj", 1),
    ("sv", "gmq/sv", "Utg. första gången 1950 av Bonnier och Storstilsutg. i två band och Tel. "
                     "090-16 33 00", 0),
    ("sv", "gmq/sv", "Boken har kartor. Pt. 2 visar staden omkr. 1950", 1),
    ("ru", "ru", "Роман в двух томах. См. также т. II, гл. 4, с. 45 в томе", 1),
    ("ar", "ar", "حكايات شعبية. ط. 2. ج. 1.", 2),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "voice", "text", "ends"), CASES)
def test_a_sentence_pause_is_heard_only_where_a_sentence_ends(
    lang: str, voice: str, text: str, ends: int
) -> None:
    said = levels.pronounce(text, lang)
    heard = [p for p in pauses(whole_text(said, 175, voice)) if p >= SENTENCE_PAUSE]
    assert len(heard) == ends, (said, heard)
