"""Privacy on import: spotting direct identifiers, salted pseudonyms, redacting free text.

A form export carries more than answers: names, email addresses, IP
addresses, coordinates, external ids. :mod:`coursekit.survey.importers` drops those
columns by default; this module decides which columns they are, turns response
ids into pseudonyms and scrubs contact details out of free text that an
instructor chose to keep.

Pseudonyms are ``P`` + the first 10 hex digits of HMAC-SHA256(salt, id)
(:mod:`coursekit.common.pseudonyms`, the scheme the roster's labels share): the
same id and salt always give the same pseudonym, and without the salt a pseudonym
cannot be traced back to the id (nor checked against a guessed one). The salt, at
least 16 characters, comes from ``--salt`` or the ``COURSEKIT_SALT`` environment
variable; without either a random one is made for this run only, so pseudonyms then
differ from run to run. The salt is never printed and never written anywhere.

Example
-------
>>> from coursekit.survey.deidentify import resolve_salt, pseudonym, identifier_reason
>>> salt = resolve_salt("a class-specific secret")
>>> pseudonym("R_1a2B3c4D5e6F7g8", salt)
'P5445748617'
>>> identifier_reason("RecipientEmail"), identifier_reason("How old are you?")
('email address', None)
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from coursekit.common.errors import PrivacyError
from coursekit.common.pseudonyms import MIN_SECRET_CHARS, check_secret_length, hex_digest
from coursekit.common.text import words

SALT_ENV = "COURSEKIT_SALT"
#: The shortest salt accepted: the one minimum of :mod:`coursekit.common.pseudonyms`.
MIN_SALT_CHARS = MIN_SECRET_CHARS
PSEUDONYM_HEX = 10


@dataclass(frozen=True)
class Salt:
    """The secret key of the pseudonyms. Its repr never shows the key."""

    key: bytes = field(repr=False)
    reproducible: bool
    origin: str = "--salt"

    def describe(self) -> str:
        """Where the salt came from, for the import report (never the salt itself)."""
        if self.reproducible:
            return f"salt from {self.origin}: the same salt gives the same pseudonyms"
        return (f"random salt for this run only: pseudonyms are not reproducible "
                f"(set {SALT_ENV} or --salt to make them so)")

    def __str__(self) -> str:
        return "Salt(<hidden>)"


def resolve_salt(salt: str | None = None, environ: Mapping[str, str] | None = None) -> Salt:
    """The salt to use: ``salt`` if given, else ``$COURSEKIT_SALT``, else a random one.

    A random salt (32 bytes from :mod:`secrets`) makes pseudonyms that cannot be
    reproduced by a later run; ``Salt.reproducible`` says which case applies.
    Raises :class:`~coursekit.common.errors.SecretError` (a :class:`PrivacyError`) for a
    salt shorter than :data:`MIN_SALT_CHARS` (short salts can be guessed; the message
    does not repeat the salt).
    """
    env = os.environ if environ is None else environ
    text = salt if salt is not None else env.get(SALT_ENV, "")
    if text:
        origin = "--salt" if salt is not None else SALT_ENV
        return Salt(check_secret_length(text, origin), reproducible=True, origin=origin)
    return Salt(secrets.token_bytes(32), reproducible=False, origin="random")


def pseudonym(raw_id: str, salt: Salt) -> str:
    """``P`` + 10 hex digits of HMAC-SHA256(salt, raw_id) (leading/trailing spaces ignored)."""
    return "P" + hex_digest(salt.key, str(raw_id).strip())[:PSEUDONYM_HEX]


def pseudonymize(raw_ids: Sequence[str], salt: Salt) -> list[str]:
    """Pseudonyms of ``raw_ids`` in order; equal ids get equal pseudonyms.

    Raises :class:`PrivacyError` if two different ids share a pseudonym
    (with 40 bits, about one chance in 10^6 for 1,500 respondents), naming the
    positions, never the ids.
    """
    out = [pseudonym(r, salt) for r in raw_ids]
    first: dict[str, tuple[int, str]] = {}
    for pos, (raw, p) in enumerate(zip(raw_ids, out, strict=True)):
        key = str(raw).strip()
        if p in first and first[p][1] != key:
            raise PrivacyError(
                f"pseudonym collision between response {first[p][0] + 1} and {pos + 1} "
                "(expected distinct pseudonyms; run the import again with another salt)"
            )
        first.setdefault(p, (pos, key))
    return out


# --- which columns identify a person -------------------------------------------------------

# Words in a column header that mark a direct identifier, with the reason reported.
_IDENTIFIER_WORDS = {
    "name": "name", "names": "name", "firstname": "name", "lastname": "name",
    "fullname": "name", "surname": "name", "forename": "name",
    "email": "email address", "mail": "email address", "emailaddress": "email address",
    "ip": "IP address", "ipaddress": "IP address",
    "latitude": "location", "longitude": "location", "lat": "location", "lon": "location",
    "lng": "location", "location": "location", "gps": "location", "geolocation": "location",
    "phone": "phone number", "telephone": "phone number", "mobile": "phone number",
    "address": "postal address", "postcode": "postal address", "zip": "postal address",
    "birthday": "date of birth", "birthdate": "date of birth", "dob": "date of birth",
    "username": "account name", "handle": "account name", "login": "account name",
    "externalreference": "external reference", "externaldatareference": "external reference",
    "matriculation": "student id",
}
# Two-word phrases (after splitting camelCase) that mark an identifier.
_IDENTIFIER_PHRASES = {
    ("e", "mail"): "email address", ("user", "name"): "account name",
    ("external", "reference"): "external reference", ("data", "reference"): "external reference",
    ("student", "id"): "student id",
    ("student", "number"): "student id", ("of", "birth"): "date of birth",
}
_IP_ADDRESS_WORDS = {"ip", "address"}

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}(?![\w:])")
HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_.]{2,30}")


def identifier_reason(header: str) -> str | None:
    """Why a column named ``header`` identifies a person (``'email address'`` ...), else None.

    Looks at the words of the header (camelCase split, case and punctuation
    ignored): names, email, IP address, coordinates and location, phone,
    postal address, date of birth, account names and external reference ids.
    """
    header_words = words(header)
    if set(header_words) >= _IP_ADDRESS_WORDS:
        return "IP address"
    for w in header_words:
        if w in _IDENTIFIER_WORDS:
            return _IDENTIFIER_WORDS[w]
    for pair in zip(header_words, header_words[1:], strict=False):
        if pair in _IDENTIFIER_PHRASES:
            return _IDENTIFIER_PHRASES[pair]
    return None


def content_reason(values: Iterable[str]) -> str | None:
    """Why cells like ``values`` identify a person (email, IP address, @handle), else None."""
    for v in values:
        text = str(v)
        if EMAIL.search(text):
            return "email address"
        if IPV4.search(text) or IPV6.search(text):
            return "IP address"
        if HANDLE.search(text):
            return "account name"
    return None


def redact(text: str) -> tuple[str, int]:
    """``text`` with emails, links, @handles, IP addresses, phone numbers, street addresses,
    postcodes and long id numbers replaced by a placeholder of their kind
    (:func:`coursekit.survey.redaction.redact_text`).

    Returns the new text and the number of replacements. Names in prose cannot
    be found this way: free text stays dropped unless an instructor keeps it.
    """
    # Imported here: the phone-number metadata is only needed when free text is kept.
    from coursekit.survey.redaction import redact_text

    result = redact_text(str(text))
    return result.text, len(result.spans)


@dataclass(frozen=True)
class DroppedColumn:
    """A column left out of an import: its header, why, and how many non-empty cells it had."""

    column: str
    reason: str
    n_values: int

    def describe(self) -> str:
        return f"'{self.column}' ({self.reason}, {self.n_values} value{'s' * (self.n_values != 1)})"
