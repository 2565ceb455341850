"""Importing form exports into the canonical survey file that ``validate`` accepts.

Three sources:

``google-forms``
    the CSV of a Google Form's responses: a ``Timestamp`` column, then one
    column per question headed by the question's title (a multiple-choice grid
    gives ``Title [Row]`` columns). Answers are numbers (linear scale) or answer
    option labels.
``qualtrics``
    a Qualtrics CSV/TSV export with its three header rows (question ID,
    question text, ``{"ImportId": ...}``); the first response is spreadsheet
    row 4. Answers are numeric codes or choice text. Preview, test and spam
    responses (``Status``) are dropped; incomplete ones (``Finished`` false)
    are kept with their unanswered questions missing, or dropped with
    ``drop_incomplete``. ``Duration (in seconds)`` becomes ``completion_seconds``.
``csv``
    any other CSV with one header row; columns are matched like form columns,
    and a mapping file names the rest.

Columns are matched to codebook columns by, in order: a mapping file (CSV:
export column, codebook column; ``-`` drops a column), the Qualtrics question
ID or a header equal to a codebook column name, then the wording: the header
(or Qualtrics' question text, or the row of a grid, or the part after the last
``" - "``) equal to an item's wording (with or without its scale's stem), a
respondent question, or a variable label, ignoring case, punctuation, spacing
and a leading question number. Answer labels are mapped through the
codebook's anchors and option labels the same way; an answer that is neither a
valid number nor a label is an error naming the row.

Privacy by default (see :mod:`coursekit.survey.deidentify`): columns that identify a
person (names, email and IP addresses, locations, phone numbers, external
references, and any unmatched column holding an email, IP address or
@handle) are dropped; free text (``comment``) is dropped unless
``keep_free_text``, and then emails, links, @handles, IP addresses, phone
numbers, street addresses, postcodes and long ids are replaced in it
(:mod:`coursekit.survey.redaction`; names are not found, and the report says so);
response ids become salted pseudonyms. Rows of
respondents who did not consent (the questionnaire's consent question) are
dropped. The report names dropped columns with counts, never values.

The import runs in steps, one module each:

1. :mod:`~coursekit.survey.importers.exports`: read the export (and
   :mod:`~coursekit.survey.importers.mapping` a mapping file) into strings with
   spreadsheet row numbers;
2. :mod:`~coursekit.survey.importers.columns`: match its columns to the codebook;
3. :mod:`~coursekit.survey.importers.respondents`: keep real, consenting respondents;
4. :mod:`~coursekit.survey.importers.answers`: convert their answers to codebook values,
   and :mod:`~coursekit.survey.importers.ranges`: check each scale's answers against the
   codebook's range (a form built on another range is refused or warned about);
5. :mod:`~coursekit.survey.importers.identity`: pseudonyms, and every column left out;
6. :mod:`~coursekit.survey.importers.pipeline`: run the steps, check the result as
   ``validate`` does and write it (:mod:`~coursekit.survey.importers.report` says what
   happened; :mod:`~coursekit.survey.importers.problems` collects what went wrong).

Example
-------
>>> import pathlib, tempfile
>>> from coursekit.survey.canonical import survey_to_csv
>>> from coursekit.survey.simulate import simulate_survey
>>> from coursekit.survey.importers import import_export, write_import
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "responses.csv").write_text(survey_to_csv(simulate_survey(5, seed=1)))
>>> result = import_export(folder / "responses.csv", "csv", salt="a long class secret")
>>> result.report.lines()[-1]
'5 respondents imported'
>>> bool(result.data["respondent_id"].str.fullmatch(r"P[0-9a-f]{10}").all())
True
>>> write_import(result, folder / "survey.csv").ok
True
"""

from __future__ import annotations

from coursekit.survey.importers.columns import ColumnMatch
from coursekit.survey.importers.exports import SOURCES, ExportTable, read_export
from coursekit.survey.importers.mapping import MappingEntry, read_mapping
from coursekit.survey.importers.pipeline import import_export, write_import
from coursekit.survey.importers.report import ImportReport, ImportResult, RowDrop

__all__ = ["SOURCES", "ColumnMatch", "ExportTable", "ImportReport", "ImportResult",
           "MappingEntry", "RowDrop", "import_export", "read_export", "read_mapping",
           "write_import"]
