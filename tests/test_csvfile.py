"""coursekit.common.csvfile: the one CSV reader (encodings, delimiters, record rows)."""

from __future__ import annotations

import codecs
import io
import zipfile

import pytest

from coursekit.common.csvfile import CsvFile, CsvParseError, is_missing, read_csv
from coursekit.common.errors import InputFileError

TEXT = 'id;note;n\n1;"a; b";2,5\n\n2;"two\nlines";3\n3;x;4\n'


def _rows(csv_file: CsvFile, **kw) -> list[tuple[int, list[str]]]:
    return [(r.row, r.cells) for r in csv_file.records(**kw)]


@pytest.mark.parametrize("encode, encoding", [
    (lambda t: t.encode("utf-8"), "utf-8"),
    (lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), "utf-8-sig"),
    (lambda t: t.replace("\n", "\r\n").encode("utf-16"), "utf-16"),
])
def test_encodings_give_the_same_records(tmp_path, encode, encoding):
    path = tmp_path / "f.csv"
    path.write_bytes(encode(TEXT))
    f = read_csv(path)
    assert (f.encoding, f.delimiter, f.source) == (encoding, ";", str(path))
    rows = _rows(f)
    assert [n for n, _ in rows] == [1, 2, 4, 5]  # the blank row 3 is skipped but counted
    assert rows[2][1][1] in ("two\nlines", "two\r\nlines")
    assert rows[1][1] == ["1", "a; b", "2,5"]


def test_records_count_spreadsheet_rows_not_lines():
    f = CsvFile.from_text('h\n"1\n2\n3"\nlast\n', "x.csv")
    assert _rows(f) == [(1, ["h"]), (2, ["1\n2\n3"]), (3, ["last"])]


def test_blank_records_can_be_kept():
    f = CsvFile.from_text("a,b\n\n1,2\n", "x.csv")
    assert [r.row for r in f.records(skip_blank=False)] == [1, 2, 3]
    assert CsvFile.from_text(" \n\t\n", "x.csv").blank


def test_a_bom_inside_the_text_and_a_forced_delimiter():
    f = CsvFile.from_text("\ufeffa;b\n1;2\n", "x.csv", delimiter=",")
    assert _rows(f) == [(1, ["a;b"]), (2, ["1;2"])]


def test_an_unparseable_record_raises_after_the_good_ones():
    f = CsvFile.from_text("a\n1\n" + "x" * 200_000 + "\n", "big.csv")
    records = f.records()
    assert [next(records).row, next(records).row] == [1, 2]
    with pytest.raises(CsvParseError) as info:
        next(records)
    assert isinstance(info.value, InputFileError)
    assert info.value.row == 2 and "field larger than field limit" in info.value.reason
    assert str(info.value).startswith("big.csv: cannot parse the file as CSV (")


@pytest.mark.parametrize("cell, missing", [
    ("", True), ("  ", True), ("NA", True), ("n/a", True), ("None", True), (".", True),
    ("0", False), ("no", False), ("-", False),
])
def test_missing_tokens(cell, missing):
    assert is_missing(cell) is missing


def test_not_utf8_names_the_byte_and_line(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("a,b\n1,tr\u00e8s\n".encode("cp1252"))
    with pytest.raises(InputFileError, match=r"not UTF-8 text \(byte 0xe8 on line 2\)"):
        read_csv(path)


def _xlsx_bytes() -> bytes:
    # The parts every .xlsx has (what Excel, Google Sheets and Qualtrics write).
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    return buf.getvalue()


# The first bytes of an Excel 97-2003 .xls (an OLE2 compound file), then its sector data.
XLS_BYTES = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504) + b"\x00Workbook\x00" * 20


@pytest.mark.parametrize("raw, kind", [
    (_xlsx_bytes(), "an Excel workbook (.xlsx)"),
    (_xlsx_bytes()[:200], "an Excel workbook (.xlsx)"),  # a truncated download
    (XLS_BYTES, "an Excel 97-2003 workbook (.xls)"),
], ids=["xlsx", "xlsx-truncated", "xls"])
def test_an_excel_workbook_renamed_csv_is_named_with_how_to_download_csv(tmp_path, raw, kind):
    path = tmp_path / "responses.csv"
    path.write_bytes(raw)
    with pytest.raises(InputFileError) as info:
        read_csv(path)
    message = str(info.value)
    assert message.startswith(f"{path}: this is {kind}, not a CSV text file")
    assert "NUL bytes" not in message
    for how in ("Google Forms", "Download > Comma-separated values", "Qualtrics",
                "Export data > CSV", "Excel, File > Save As > CSV UTF-8"):
        assert how in message, how


def test_a_zipped_qualtrics_export_says_to_unzip_it(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("TikTok survey_June 1, 2026_10.15.csv", "a,b\n1,2\n")
    path = tmp_path / "export.csv"
    path.write_bytes(buf.getvalue())
    with pytest.raises(InputFileError, match=r"ZIP archive holding TikTok survey_June 1, "
                                             r"2026_10\.15\.csv \(unzip it"):
        read_csv(path)


def test_other_binary_data_is_still_refused_as_binary(tmp_path):
    path = tmp_path / "picture.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    with pytest.raises(InputFileError, match="binary data"):
        read_csv(path)
