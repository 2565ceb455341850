"""The consent question: asked first by the questionnaire, read back by the importers.

It is not a codebook column (nothing is analysed on it): a respondent who does not
agree is left out of an import, and the column is dropped. The questionnaire writer
asks it with :data:`CONSENT_OPTIONS`; the importers accept those labels, their codes and
the usual yes/no spellings of form services (:func:`consent_answer`).

>>> consent_answer("Yes, I agree to take part"), consent_answer("2"), consent_answer("")
(True, False, False)
>>> consent_answer("maybe") is None
True
"""

from __future__ import annotations

from coursekit.common.csvfile import is_missing
from coursekit.common.text import match_key

CONSENT_ID = "consent"
CONSENT_QUESTION = "I have read the information above and I agree to take part."
CONSENT_OPTIONS = ((1, "Yes, I agree to take part"), (2, "No, I do not want to take part"))

# Answers that give or refuse consent, as reduced by match_key; an empty answer refuses.
CONSENT_YES = frozenset({match_key(CONSENT_OPTIONS[0][1]), "yes", "1", "true", "i agree",
                         "agree"})
CONSENT_NO = frozenset({match_key(CONSENT_OPTIONS[1][1]), "no", "2", "0", "false",
                        "i do not agree", ""})


def consent_answer(cell: str) -> bool | None:
    """True if ``cell`` gives consent, False if it refuses (or is empty), None if it is
    no answer to the consent question."""
    answer = match_key(cell)
    if answer in CONSENT_YES:
        return True
    if answer in CONSENT_NO or is_missing(cell):
        return False
    return None
