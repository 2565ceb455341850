"""The one CSV reader: files as spreadsheet programs and form services write them.

Every CSV coursekit reads (a survey file, a form export, a mapping file, a class roster,
the codebook) goes through :func:`read_csv`: the encoding is detected (UTF-8, UTF-8 with
BOM, UTF-16 with BOM), the delimiter is sniffed from the header line (comma, semicolon or
tab) and :meth:`CsvFile.records` numbers **records, not lines**, as a spreadsheet shows
them: a quoted cell that spans three lines is still one row, so a problem after it is
reported on the row the user sees. The header is row 1 when the file starts with it.

The parsing itself is the standard library's :mod:`csv` (RFC 4180 quoting); what is written
here is the part it leaves to the caller (encoding, delimiter, row numbers, messages).
``pandas.read_csv`` is not used for reading: it reports no row numbers for a ragged row
and would turn ``007`` or ``NA`` into numbers and NaN before the checks see the cell.

>>> f = CsvFile.from_text('id;note;age\\n1;"two\\nlines";3\\n2;ok;x\\n', "demo.csv")
>>> f.delimiter
';'
>>> [(r.row, r.cells[2]) for r in f.records()]
[(1, 'age'), (2, '3'), (3, 'x')]
>>> is_missing(" N/A "), is_missing("0")
(True, False)
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from coursekit.common.errors import InputFileError

#: Cell texts that mean "no answer" (compared stripped and lower-cased).
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "."})
#: How much of a file the binary sniffers look at.
SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t")

#: How each tool downloads a CSV, for the message about a workbook renamed ``.csv``.
HOW_TO_GET_CSV = (
    "download CSV instead: in Google Forms, Responses > the Sheets icon, then in Google "
    "Sheets File > Download > Comma-separated values (.csv); in Qualtrics, Data & Analysis > "
    "Export & Import > Export data > CSV; in Excel, File > Save As > CSV UTF-8 (Comma "
    "delimited) (.csv). Renaming a workbook to .csv does not convert it"
)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_missing(cell: str) -> bool:
    """True if a cell's text means a missing answer (empty, ``NA``, ``n/a``, ``.`` ...)."""
    return cell.strip().lower() in MISSING_TOKENS


def spreadsheet_kind(raw: bytes) -> str | None:
    """What kind of workbook or archive ``raw`` (a file's bytes) is, or None for anything else.

    An ``.xlsx`` / ``.ods`` is a ZIP archive (``PK\\x03\\x04``) holding ``xl/`` or an
    OpenDocument ``mimetype``; an ``.xls`` is an OLE2 compound file (``D0 CF 11 E0``);
    another ZIP (Qualtrics downloads its exports zipped) is named as one.

    >>> spreadsheet_kind(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(100))
    'an Excel 97-2003 workbook (.xls)'
    >>> spreadsheet_kind(b"id,age\\n1,20\\n") is None
    True
    """
    if raw.startswith(_OLE2_MAGIC):
        return "an Excel 97-2003 workbook (.xls)"
    if not raw.startswith(_ZIP_MAGIC):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            names = archive.namelist()
            mimetype = (archive.read("mimetype")[:100].decode("ascii", "replace")
                        if "mimetype" in names else "")
    except (zipfile.BadZipFile, OSError, KeyError):
        # A truncated workbook is still recognisably one from its first entry's name.
        head = raw[:SNIFF_BYTES]
        if b"xl/" in head or b"[Content_Types].xml" in head:
            return "an Excel workbook (.xlsx)"
        return "a ZIP archive"
    if any(n.startswith("xl/") for n in names):
        return "an Excel workbook (.xlsx)"
    if "opendocument.spreadsheet" in mimetype:
        return "an OpenDocument spreadsheet (.ods)"
    csvs = [n for n in names if n.lower().endswith((".csv", ".tsv"))]
    if csvs:
        return f"a ZIP archive holding {', '.join(csvs[:3])} (unzip it and use the CSV inside)"
    return "a ZIP archive"


def read_text(path: str | Path) -> tuple[str, str]:
    """Read a text file, detecting its encoding; return ``(text, encoding)``.

    Raises :class:`InputFileError` naming the cause for a missing file, a
    folder, an unreadable or binary file (an Excel workbook renamed ``.csv`` is named as
    one, with how to download CSV), or text that is not UTF-8/UTF-16.
    """
    p = Path(path)
    if not p.exists():
        raise InputFileError(f"{p}: no such file")
    if p.is_dir():
        raise InputFileError(f"{p}: is a folder, expected a CSV file")
    try:
        raw = p.read_bytes()
    except PermissionError:
        raise InputFileError(f"{p}: permission denied, cannot read the file") from None
    except OSError as exc:
        raise InputFileError(f"{p}: cannot read the file ({exc.strerror})") from None
    kind = spreadsheet_kind(raw)
    if kind is not None:
        raise InputFileError(f"{p}: this is {kind}, not a CSV text file; {HOW_TO_GET_CSV}")
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8"
        if b"\x00" in raw[:SNIFF_BYTES]:
            raise InputFileError(f"{p}: binary data (NUL bytes), expected a CSV text file")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputFileError(
            f"{p}: not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}); "
            "save the file as 'CSV UTF-8'"
        ) from None
    if encoding == "utf-8" and _looks_binary(text):
        raise InputFileError(f"{p}: binary data (control characters), expected a CSV text file")
    return text, encoding


def _looks_binary(text: str) -> bool:
    # A PNG renamed .csv decodes as UTF-8 often enough; real CSV text has almost no controls.
    sample = text[:SNIFF_BYTES]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls > max(2, len(sample) // 100)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV header line: the most frequent of ``, ; TAB`` outside quotes.

    Hand-written rather than :class:`csv.Sniffer`, which guesses from several lines, can
    pick a letter or a space as the delimiter, and raises on a one-column file.

    >>> sniff_delimiter('"a;b",c'), sniff_delimiter("a;b;c"), sniff_delimiter("one")
    (',', ';', ',')
    """
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvParseError(InputFileError):
    """The :mod:`csv` module could not parse a record; ``row`` is the last good row."""

    def __init__(self, source: str, row: int, reason: str):
        self.source, self.row, self.reason = source, row, reason
        super().__init__(f"{source}: cannot parse the file as CSV ({reason})")


@dataclass(frozen=True)
class Record:
    """One CSV record: its spreadsheet row (records counted from 1) and its cells."""

    row: int
    cells: list[str]

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass(frozen=True)
class CsvFile:
    """A CSV file's text (BOM removed), its encoding and its delimiter."""

    source: str
    text: str
    encoding: str
    delimiter: str

    @classmethod
    def from_text(cls, text: str, source: str, encoding: str = "utf-8",
                  delimiter: str | None = None) -> CsvFile:
        """Wrap text already in memory (the delimiter sniffed from its first line if None)."""
        text = text.lstrip("\ufeff")
        if delimiter is None:
            delimiter = sniff_delimiter(text.split("\n", 1)[0])
        return cls(source, text, encoding, delimiter)

    @property
    def blank(self) -> bool:
        """True if the file holds nothing but whitespace."""
        return not self.text.strip()

    def records(self, skip_blank: bool = True) -> Iterator[Record]:
        """The records in order, numbered as spreadsheet rows (blank ones skipped but counted).

        Raises :class:`CsvParseError` (an :class:`InputFileError`) if a record cannot be
        parsed, after yielding the records before it.
        """
        # newline="" lets csv see the line ends inside quoted cells, as RFC 4180 wants.
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter)
        row = 0
        try:
            for cells in reader:
                row += 1
                record = Record(row, cells)
                if not (skip_blank and record.blank):
                    yield record
        except csv.Error as exc:
            raise CsvParseError(self.source, row, str(exc)) from None


def read_csv(path: str | Path, delimiter: str | None = None) -> CsvFile:
    """Read a CSV file (see the module docstring); ``delimiter`` None sniffs it.

    Raises :class:`InputFileError` for a file that cannot be read as text.
    """
    text, encoding = read_text(path)
    return CsvFile.from_text(text, str(path), encoding, delimiter)
