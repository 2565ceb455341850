"""Redacting free text: contact details and ids found by pattern, each replaced by its kind.

What is found (and its placeholder):

- ``email`` ``[email removed]``; ``url`` ``[link removed]``: with a scheme, ``www.``, or a
  bare domain with a path or a subdomain (``linktr.ee/zelda``); ``handle``
  ``[account removed]``: ``@name``;
- ``ip`` ``[IP address removed]``: IPv4 and IPv6, checked with :mod:`ipaddress`;
- ``phone`` ``[phone number removed]``: numbers valid in international form or in the
  national form of the US, the UK, Germany, France, the Netherlands, Italy, Spain, Austria,
  Switzerland, Belgium or Ireland (the ``phonenumbers`` library, Google's libphonenumber
  metadata), and number-like runs with a ``+``/``00`` prefix or US layout that it rejects;
- ``address`` ``[address removed]``: street addresses: "17 Larkspur Crescent" (a house
  number, capitalised words and a street type; lower case after "I live at"), "Hauptstraße
  12", "Keizersgracht 123", "12 rue de la Paix", "Via Roma 10", with the postcode (and the
  town before it) that follows;
- ``postcode`` ``[postcode removed]``: UK postcodes, Dutch ``1234 AB``, US ZIP codes after a
  state, 5-digit codes before a town name (``10115 Berlin``, ``75011 Paris``), and any
  code after "postcode", "zip", "PLZ", "code postal";
- ``id`` ``[id number removed]``: runs of 6 or more digits (student numbers), unless a
  count follows ("250000 views").

Also found: e-mails written out with brackets ("zelda [at] example [dot] org").
Not found: names of people and places in prose, addresses without a house number,
contacts written out in plain words ("zelda at example dot org"), and formats not listed.
Free text is therefore never shown on a course page, and an instructor who keeps it is told
so.

Hand-written patterns rather than presidio-analyzer: presidio needs spaCy (over 100 MB)
even for its pattern recognizers, its e-mail recognizer fetches the public-suffix list at
run time, it has no recognizer for street addresses or European postcodes, and its phone
recognizer is ``phonenumbers``, used here directly.

>>> from coursekit.survey.redaction import redact_text
>>> redact_text("I live at 17 Larkspur Crescent, Bristol BS8 4QT, call (617) 555-0199").text
'I live at [address removed], call [phone number removed]'
>>> redact_text("3 videos a day, 250000 views on my best one").spans
()
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass

import phonenumbers

PLACEHOLDERS = {
    "email": "[email removed]",
    "url": "[link removed]",
    "handle": "[account removed]",
    "ip": "[IP address removed]",
    "phone": "[phone number removed]",
    "address": "[address removed]",
    "postcode": "[postcode removed]",
    "id": "[id number removed]",
}
#: What each kind is called in a report: (one, several).
KIND_NAMES = {
    "email": ("email address", "email addresses"), "url": ("link", "links"),
    "handle": ("@handle", "@handles"), "ip": ("IP address", "IP addresses"),
    "phone": ("phone number", "phone numbers"), "address": ("street address", "street addresses"),
    "postcode": ("postcode", "postcodes"), "id": ("long id number", "long id numbers"),
}
PHONE_REGIONS = ("US", "GB", "DE", "FR", "NL", "IT", "ES", "AT", "CH", "BE", "IE")

# Words after a number that make it a count, not an id or a postcode.
_COUNTS = (r"(?i:followers?|likes?|views?|subscribers?|subs|fans?|videos?|posts?|comments?|"
           r"shares?|streams?|plays?|downloads?|people|users?|accounts?|hours?|minutes?|"
           r"mins?|seconds?|days?|weeks?|months?|years?|times?|euros?|dollars?|pounds?|"
           r"points?|steps?|words?|hearts?|coins?|diamonds?|clicks?|impressions?|hits?)")
_COUNT_AFTER = re.compile(
    rf"\s*(?:(?:total|more|new|real|monthly|daily|weekly|unique|fake)\s+)?{_COUNTS}\b",
    re.IGNORECASE)

EMAIL = re.compile(r"(?<![\w.+-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# "zelda [at] example [dot] org": written out with brackets (without them it is prose).
EMAIL_SPELLED = re.compile(r"(?<![\w.+-])[\w.+%-]+\s*[\[(]\s*at\s*[\])]\s*[\w-]+"
                           r"(?:\s*(?:[\[(]\s*dot\s*[\])]|\.)\s*[\w-]+)+", re.IGNORECASE)
_TLD = (r"(?:com|org|net|edu|gov|io|co|uk|de|fr|nl|es|it|eu|me|tv|ly|ee|be|ch|at|ie|info|"
        r"app|link|gg|xyz|us|ca|au|page|site|online|blog|art|live|social)")
URL = re.compile(
    r"(?:\bhttps?://|\bwww\.)[^\s<>\"]+"
    rf"|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+{_TLD}/[^\s<>\"]*"
    rf"|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.(?!www\.)[a-z0-9-]+\.{_TLD}\b",
    re.IGNORECASE)
HANDLE = re.compile(r"(?<![\w.@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,29}[A-Za-z0-9_])?")
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)")
IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")

# Phone numbers that libphonenumber rejects (fictional 555 numbers, mistyped ones).
PHONE_FALLBACK = re.compile(
    r"(?<![\w+])(?:\+|00)[1-9][\d ()./-]{6,}\d(?!\w)"
    r"|(?<![\w(])\(\d{3}\)\s?\d{3}[-. ]\d{4}(?!\d)"
    r"|(?<![\w-])\d{3}[-.]\d{3}[-.]\d{4}(?![\w-])"
    r"|(?<![\w-])\d{3}-\d{4}(?![\w-])")

# --- postcodes ---------------------------------------------------------------------------

_UK = r"(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})"
# Dutch letter pairs that are rather units or words after a number ("2000 XP", "1990 BC").
_NOT_NL = "AM|PM|AD|BC|CE|OK|TV|US|UK|EU|HD|ID|PC|XP|MB|GB|KB|FC|CM|KM|KG|SS|SA|SD"
_NL = rf"(?:[1-9]\d{{3}}\s?(?!{_NOT_NL})[A-Z]{{2}})"
_US_STATES = ("AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|"
              "NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC")
_ZIP = r"(?:\d{5}(?:-\d{4})?)"
_TOWN = (r"(?:[A-ZÄÖÜÉÈ][\wäöüßéèàç'’-]+"
         r"(?:[ -](?:am |an der |sur |de |del )?[A-ZÄÖÜÉ][\wäöüßéè'’-]+)?)")
_EU5 = rf"(?:(?:[A-Z]{{1,2}}-)?\d{{5}}(?=\s+(?!{_COUNTS}\b){_TOWN}))"
POSTCODE_TAIL = rf"(?:{_UK}|{_NL}|(?:(?:{_US_STATES})\s+){_ZIP}|{_EU5}(?:\s+{_TOWN})?)"

POSTCODE = [
    re.compile(rf"\b{_UK}\b"),
    re.compile(rf"\b{_NL}\b"),
    re.compile(rf"(?<=\b(?:{_US_STATES}) ){_ZIP}\b"),
    re.compile(rf"(?<![\w-]){_EU5}"),
]
POSTCODE_CUED = re.compile(
    r"\b(?:post\s?code|postal\s+code|zip(?:\s?code)?|PLZ|code\s+postal|CAP)\b"
    r"(?:\s+(?:is|was|=))?\s*[:=-]?\s*"
    rf"(?P<code>{_UK}|[1-9]\d{{3}}\s?[A-Z]{{2}}|{_ZIP}|\d{{4}})\b", re.IGNORECASE)

# --- street addresses --------------------------------------------------------------------

_NUM = r"\d{1,5}[A-Za-z]?(?:[-/]\d{1,5}[A-Za-z]?)?"
_UNIT = r"(?:(?i:flat|apt\.?|apartment|unit|suite)\s*#?\d+[A-Za-z]?,?\s+)"
_TYPES = ("Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Crescent|Cres|Close|Drive|Dr|Way|Place|Pl|"
          "Court|Ct|Terrace|Gardens|Grove|Square|Sq|Boulevard|Blvd|Parkway|Pkwy|Hill|Row|Mews|"
          "Walk|Highway|Hwy|Circle|Rise|Green|Parade|Quay|Wharf|Trail|Alley|Loop|Vale|"
          "Heights|Ridge|Crossing|Embankment|Broadway")
_AFTER_STREET = (r"(?:,?\s+(?:Apt\.?|Apartment|Unit|Suite|Flat|\#)\s*\d+[A-Za-z]?)?"
                 rf"(?:,?\s+(?:{_TOWN},?\s+)?{POSTCODE_TAIL})?")
_EN_STREET = rf"(?:{_UNIT})?\b{_NUM},?\s+(?:[A-Z][a-zA-Z'’.-]+\s+){{1,3}}(?:{_TYPES})\b\.?"
_CUE = (r"\b(?:live[sd]?\s+(?:at|on)|living\s+(?:at|on)|address\s+is|address:|come\s+(?:to|round"
        r"\s+to)|house\s+is\s+at|flat\s+is\s+at|moved\s+to|staying\s+at)\s+")
_DE_SUFFIX = ("straße|strasse|str\\.|weg|allee|platz|gasse|damm|ufer|chaussee|straat|laan|"
              "gracht|plein|kade|singel|dijk|steeg")
_DE_WORD = ("Straße|Strasse|Weg|Allee|Platz|Gasse|Damm|Ufer|Chaussee|Straat|Laan|Gracht|"
            "Plein|Kade|Singel|Dijk|Steeg")
_EU_TAIL = (rf"(?:,?\s+(?:[A-Z]{{1,2}}-)?(?:\d{{5}}|[1-9]\d{{3}}(?:\s?[A-Z]{{2}})?)"
            rf"\s+{_TOWN})?")

ADDRESS = [
    re.compile(_EN_STREET + _AFTER_STREET),
    re.compile(rf"{_CUE}(?P<addr>(?:{_UNIT})?{_NUM},?\s+(?:[A-Za-z][a-zA-Z'’.-]+\s+){{1,3}}"
               rf"(?:{_TYPES})\b\.?{_AFTER_STREET})", re.IGNORECASE),
    re.compile(rf"\b(?:[A-ZÄÖÜ][\wäöüß'-]*\s)?(?:[A-ZÄÖÜ][\wäöüß-]*(?:{_DE_SUFFIX})|(?:{_DE_WORD}))"
               rf"\s+\d{{1,4}}(?:\s?[a-zA-Z]\b)?(?:-\d{{1,4}})?(?!\d)" + _EU_TAIL),
    re.compile(r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|boulevard|bd|place|chemin|"
               r"allée|allee|impasse|quai|route|cours)\s+(?:(?i:de la|de l'|du|des|de|la|le|"
               r"les|d')\s*)?[A-ZÉÈ][\w'’-]*(?:[\s-](?:de |du |des |la |le )?[A-ZÉÈ][\w'’-]*)"
               r"{0,3}" + _EU_TAIL),
    re.compile(r"\b(?:Via|Viale|Piazza|Corso|Calle|Avenida|Plaza|Paseo|Rua|Carrer|Travessa)\s+"
               r"(?:(?:de|del|della|delle|dei|di|da|do|dos|das|la|las|los|el)\s+)*"
               r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3},?\s*(?:n\.?\s?|nº\s?)?\d{1,4}[a-zA-Z]?"
               r"(?!\d)" + _EU_TAIL),
]
_LONG_ID = re.compile(r"(?<![\w.,/-])[A-Za-z]{0,3}\d{6,}(?![\w]|[.,/-]\d)")

_TRAILING = ".,;:!?'\")]}"
# "12 Oak St. in june": the period of an abbreviated street type belongs to the address.
_ABBREVIATED = re.compile(r"\b(?:St|Rd|Ave|Ln|Dr|Pl|Ct|Sq|Blvd|Pkwy|Hwy|Cres|Str|Apt|av|bd)\.$")


@dataclass(frozen=True)
class Span:
    """An identifier found in a text: where it is and what kind it is."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Redacted:
    """A redacted text, the spans of the original that were replaced, and counts by kind."""

    text: str
    spans: tuple[Span, ...]

    @property
    def counts(self) -> Counter:
        return Counter(s.kind for s in self.spans)


def _strip_trailing(text: str, start: int, end: int) -> int:
    # A link or handle ends before the sentence's punctuation; a ")" stays if "(" is inside.
    while end > start and text[end - 1] in _TRAILING:
        if text[end - 1] == ")" and text[start:end].count("(") >= text[start:end].count(")"):
            break
        end -= 1
    return end


def _address_end(text: str, start: int, end: int) -> int:
    stripped = _strip_trailing(text, start, end)
    if _ABBREVIATED.search(text[start:end]) and end < len(text) \
            and not re.match(r"\s+[A-Z]", text[end:]):
        return end  # not the end of a sentence: the period is the abbreviation's
    return stripped


def _balanced(text: str, span: Span) -> Span:
    # A "(" opened before the identifier and closed after it is the sentence's, not its.
    inner = text[span.start:span.end]
    if inner.startswith("(") and inner.count("(") > inner.count(")"):
        return Span(span.start + 1, span.end, span.kind)
    return span


def _url_spans(text: str) -> list[Span]:
    out = []
    for m in URL.finditer(text):
        end = _strip_trailing(text, m.start(), m.end())
        if end > m.start():
            out.append(Span(m.start(), end, "url"))
    return out


def _ip_spans(text: str) -> list[Span]:
    out = []
    for m in IPV4.finditer(text):
        try:
            ipaddress.IPv4Address(m.group())
        except ValueError:
            continue
        out.append(Span(m.start(), m.end(), "ip"))
    for m in IPV6.finditer(text):
        candidate = m.group()
        if candidate.count(":") < 2:
            continue
        try:
            ipaddress.IPv6Address(candidate)
        except ValueError:
            continue
        out.append(Span(m.start(), m.end(), "ip"))
    return out


def _phone_spans(text: str) -> list[Span]:
    out = []
    for region in PHONE_REGIONS:
        for m in phonenumbers.PhoneNumberMatcher(text, region,
                                                 leniency=phonenumbers.Leniency.VALID):
            out.append(_balanced(text, Span(m.start, m.end, "phone")))
    out += [Span(m.start(), m.end(), "phone") for m in PHONE_FALLBACK.finditer(text)
            if sum(ch.isdigit() for ch in m.group()) >= 7]
    fixed = []
    for s in out:
        start, end = s.start, s.end
        inner = text[start:end]
        # "(617) 555-0199": the opening parenthesis belongs to the number.
        if start > 0 and text[start - 1] == "(" and inner.count(")") > inner.count("("):
            start -= 1
        if start > 0 and text[start - 1] == "+":
            start -= 1
        fixed.append(Span(start, end, "phone"))
    return fixed


def _pattern_spans(text: str) -> list[Span]:
    out = [Span(m.start(), m.end(), "email") for pattern in (EMAIL, EMAIL_SPELLED)
           for m in pattern.finditer(text)]
    out += _url_spans(text)
    out += [Span(m.start(), _strip_trailing(text, m.start(), m.end()), "handle")
            for m in HANDLE.finditer(text)]
    out += _ip_spans(text)
    out += _phone_spans(text)
    for pattern in ADDRESS:
        group = "addr" if "addr" in pattern.groupindex else 0
        out += [Span(m.start(group), _address_end(text, m.start(group), m.end(group)),
                     "address") for m in pattern.finditer(text)]
    for pattern in POSTCODE:
        out += [Span(m.start(), m.end(), "postcode") for m in pattern.finditer(text)]
    out += [Span(m.start("code"), m.end("code"), "postcode")
            for m in POSTCODE_CUED.finditer(text)]
    out += [Span(m.start(), m.end(), "id") for m in _LONG_ID.finditer(text)
            if not _COUNT_AFTER.match(text, m.end())]
    return out


_PRIORITY = {"email": 0, "url": 1, "address": 2, "ip": 3, "phone": 4, "handle": 5,
             "postcode": 6, "id": 7}


def find_identifiers(text: str) -> tuple[Span, ...]:
    """The identifiers in ``text``, non-overlapping, in order: the longest candidate wins
    (an address takes the postcode inside it), then the kind listed first above."""
    chosen: list[Span] = []
    for s in sorted(_pattern_spans(text),
                    key=lambda s: (-(s.end - s.start), _PRIORITY[s.kind], s.start)):
        if s.end > s.start and all(s.end <= c.start or s.start >= c.end for c in chosen):
            chosen.append(s)
    return tuple(sorted(chosen, key=lambda s: s.start))


def redact_text(text: str) -> Redacted:
    """``text`` with every identifier :func:`find_identifiers` finds replaced by its kind's
    placeholder (see :data:`PLACEHOLDERS`)."""
    spans = find_identifiers(text)
    parts, at = [], 0
    for s in spans:
        parts += [text[at:s.start], PLACEHOLDERS[s.kind]]
        at = s.end
    parts.append(text[at:])
    return Redacted("".join(parts), spans)
