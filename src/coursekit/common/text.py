"""Text reduced for comparison: one rule per purpose, shared by every layer.

- :func:`squash`: case and spacing ignored (``"  Strongly   AGREE "`` is ``"strongly agree"``),
  optionally treating some characters as spaces; for answer labels, categories and
  a learner's typed answer.
- :func:`match_key`: what form columns are matched on: also Unicode compatibility forms,
  punctuation and a leading question number (``"Q3. How old are you?"``) ignored.
- :func:`words`: the lower-case words of a header, camelCase split (``RecipientEmail``
  has the words ``recipient`` and ``email``).

>>> squash("  Strongly   AGREE "), squash("compulsive_use", separators="_-")
('strongly agree', 'compulsive use')
>>> match_key("Q3. How old are you?")
'how old are you'
>>> words("RecipientEmail"), words("IPAddress")
(['recipient', 'email'], ['ip', 'address'])
"""

from __future__ import annotations

import re
import unicodedata

_NUMBERING = re.compile(r"^\s*(?:q\s*)?\d+\s*[.):]\s+")
_PUNCTUATION = re.compile(r"[^\w\s]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def squash(text: object, separators: str = "") -> str:
    """``text`` lower-cased, with runs of whitespace (and of ``separators``) as one space."""
    s = str(text)
    for ch in separators:
        s = s.replace(ch, " ")
    return " ".join(s.lower().split())


def match_key(text: object) -> str:
    """``text`` reduced for matching: NFKC, case-folded, a leading question number, ``_``
    and punctuation removed, whitespace collapsed."""
    t = unicodedata.normalize("NFKC", str(text)).casefold()
    t = _NUMBERING.sub("", t)
    t = _PUNCTUATION.sub("", t.replace("_", " "))
    return " ".join(t.split())


def compact_key(text: object) -> str:
    """:func:`match_key` without spaces (``"Duration (in seconds)"`` -> ``durationinseconds``)."""
    return match_key(text).replace(" ", "")


def words(text: object) -> list[str]:
    """The lower-case ASCII words of ``text`` (NFKC), camelCase and acronyms split."""
    t = unicodedata.normalize("NFKC", str(text))
    t = _CAMEL.sub(" ", t)
    return _NOT_WORD.sub(" ", t.lower()).split()
