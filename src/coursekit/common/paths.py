"""Where the bundled data live, installed or in a source checkout.

>>> bundled_survey_path().name, codebook_dir().name
('survey.csv', 'codebook')
>>> (codebook_dir() / "items.csv").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The folder holding the codebook and the bundled cohort.

    A wheel carries the repository's ``data/`` inside the package; an editable
    install or a source checkout reads the repository's ``data/`` directly.
    """
    inside = _PACKAGE_DIR / "data"
    if (inside / "codebook").is_dir():
        return inside
    return source_checkout() / "data"


def source_checkout() -> Path:
    """The repository folder of an editable install (``src/coursekit`` lies two levels down)."""
    return _PACKAGE_DIR.parents[1]


def codebook_dir() -> Path:
    """The folder of the bundled codebook files."""
    return data_dir() / "codebook"


def bundled_survey_path() -> Path:
    """The bundled default cohort (synthetic, see ``data/DATASHEET.md``)."""
    return data_dir() / "survey.csv"
