"""The instrument as data: items, scales, response scales and respondent variables.

The codebook lives in four tidy CSV files (``data/codebook/``):

``response_scales.csv``
    one row per response option: ``response_scale, value, label``.
``scales.csv``
    one row per scale: ``scale, label, kind, description, modelled_on, instructions``;
    ``kind`` is ``motive``, ``pitfall`` or ``outcome``.
``items.csv``
    one row per item: ``item_id, scale, wording, response_scale, reverse``.
``variables.csv``
    one row per non-item column (id, demographics, use, attention check, timing,
    free text): ``name, label, type, required, min, max, categories,
    response_scale, expected, identifying, description``, and optionally
    ``question`` (how the questionnaire asks it) and ``category_labels`` (the
    answer options shown for ``categories``, in the same order, ``|``-separated).

Every other layer reads items, keys and ranges from here: adding an item or a
scale is an edit of these files, not of code.

Example
-------
>>> from coursekit.survey.codebook import load_codebook
>>> cb = load_codebook()
>>> cb.scale("validation").item_ids[:3]
['val1', 'val2', 'val3']
>>> cb.item("val4").reverse, cb.item("val4").response_scale.max
(True, 5)
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from coursekit.common.csvfile import read_csv
from coursekit.common.errors import CodebookError, InputFileError
from coursekit.common.paths import codebook_dir
from coursekit.common.text import squash

SCALE_KINDS = ("motive", "pitfall", "outcome")
VARIABLE_TYPES = ("id", "integer", "number", "category", "check", "text")


class Ids(list):
    """Column names as a list, so ``df[codebook.item_ids]`` selects those columns.

    pandas reads a tuple as one (MultiIndex) label, so the tuples these lists
    replaced raised a KeyError. For code written against the tuples, an ``Ids``
    equals the tuple of the same names and adds to a tuple.

    >>> ids = Ids(["a", "b"])
    >>> ids == ("a", "b"), ("id",) + ids, ids + ("c",)
    (True, ('id', 'a', 'b'), ['a', 'b', 'c'])
    """

    def __eq__(self, other: object) -> bool:
        if isinstance(other, tuple):
            return tuple(self) == other
        return list.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]  # a list: unhashable, as pandas needs

    def __add__(self, other: object) -> Ids:  # type: ignore[override]
        return Ids([*self, *other])  # type: ignore[misc]

    def __radd__(self, other: object) -> Any:
        return (*other, *self) if isinstance(other, tuple) else [*other, *self]  # type: ignore[misc]


@dataclass(frozen=True)
class ResponseScale:
    """The answer options of an item: integer values with their anchor labels."""

    name: str
    values: tuple[int, ...]
    labels: tuple[str, ...]

    @property
    def min(self) -> int:
        return self.values[0]

    @property
    def max(self) -> int:
        return self.values[-1]

    def label(self, value: int) -> str:
        """The anchor label of ``value``."""
        return self.labels[self.values.index(int(value))]

    def value_of(self, label: str) -> int | None:
        """The value whose anchor is ``label`` (case and spacing ignored), else None."""
        key = squash(label)
        for v, lab in zip(self.values, self.labels, strict=True):
            if squash(lab) == key:
                return v
        return None


@dataclass(frozen=True)
class Item:
    """One questionnaire item."""

    id: str
    scale: str
    wording: str
    response_scale: ResponseScale
    reverse: bool


@dataclass(frozen=True)
class Scale:
    """A multi-item scale; its items share one response scale."""

    name: str
    label: str
    kind: str
    description: str
    modelled_on: str
    instructions: str
    items: tuple[Item, ...]

    @property
    def item_ids(self) -> Ids:
        return Ids(i.id for i in self.items)

    @property
    def reversed_ids(self) -> Ids:
        return Ids(i.id for i in self.items if i.reverse)

    @property
    def response_scale(self) -> ResponseScale:
        return self.items[0].response_scale


@dataclass(frozen=True)
class Variable:
    """A non-item column: identifier, demographic, use, check, timing or text."""

    name: str
    label: str
    type: str
    required: bool
    min: float | None
    max: float | None
    categories: tuple[str, ...]
    response_scale: ResponseScale | None
    expected: int | None
    identifying: bool
    description: str
    question: str = ""
    category_labels: tuple[str, ...] = ()

    @property
    def option_labels(self) -> tuple[str, ...]:
        """The answer options a questionnaire shows, one per category (in category order)."""
        return self.category_labels or self.categories

    def category_of(self, answer: str) -> str | None:
        """The category an answer names, by category or option label (case and spacing
        ignored), else None."""
        key = squash(answer)
        for category, label in zip(self.categories, self.option_labels, strict=True):
            if key in (squash(category), squash(label)):
                return category
        return None


@dataclass(frozen=True)
class Codebook:
    """The whole instrument. Lookups by name are cached; the data are immutable."""

    scales: tuple[Scale, ...]
    variables: tuple[Variable, ...]
    response_scales: tuple[ResponseScale, ...]
    source: str = field(default="", compare=False)

    @cached_property
    def _scale_index(self) -> dict[str, Scale]:
        return {s.name: s for s in self.scales}

    @cached_property
    def _item_index(self) -> dict[str, Item]:
        return {i.id: i for s in self.scales for i in s.items}

    @cached_property
    def _variable_index(self) -> dict[str, Variable]:
        return {v.name: v for v in self.variables}

    @property
    def items(self) -> tuple[Item, ...]:
        """All items in questionnaire order."""
        return tuple(i for s in self.scales for i in s.items)

    @property
    def item_ids(self) -> Ids:
        """Every item's id, in questionnaire order: ``df[codebook.item_ids]`` selects them."""
        return Ids(i.id for i in self.items)

    @property
    def id_column(self) -> str:
        return next(v.name for v in self.variables if v.type == "id")

    @property
    def columns(self) -> tuple[str, ...]:
        """The canonical column order of a survey file: id, variables, then items."""
        return tuple(v.name for v in self.variables) + tuple(self.item_ids)

    def scale(self, name: str) -> Scale:
        try:
            return self._scale_index[name]
        except KeyError:
            raise CodebookError(
                f"unknown scale '{name}' (expected one of: {', '.join(self._scale_index)})"
            ) from None

    def item(self, item_id: str) -> Item:
        try:
            return self._item_index[item_id]
        except KeyError:
            raise CodebookError(f"unknown item '{item_id}'") from None

    def variable(self, name: str) -> Variable:
        try:
            return self._variable_index[name]
        except KeyError:
            raise CodebookError(
                f"unknown variable '{name}' (expected one of: {', '.join(self._variable_index)})"
            ) from None

    def has_item(self, name: str) -> bool:
        return name in self._item_index

    def has_variable(self, name: str) -> bool:
        return name in self._variable_index

    def scale_names(self, kind: str | None = None) -> tuple[str, ...]:
        """Scale names in codebook order, optionally only those of one ``kind``."""
        if kind is not None and kind not in SCALE_KINDS:
            raise CodebookError(f"unknown scale kind '{kind}' (expected one of {SCALE_KINDS})")
        return tuple(s.name for s in self.scales if kind is None or s.kind == kind)

    def label(self, name: str) -> str:
        """A human label for a scale, item or variable name (for titles and axes)."""
        if name in self._scale_index:
            return self._scale_index[name].label
        if name in self._variable_index:
            return self._variable_index[name].label
        if name in self._item_index:
            return f"{name}: {self._item_index[name].wording}"
        return name

    def items_table(self):
        """The items as a DataFrame (one row per item), for display."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "item_id": i.id,
                    "scale": i.scale,
                    "wording": i.wording,
                    "response_scale": i.response_scale.name,
                    "range": f"{i.response_scale.min}-{i.response_scale.max}",
                    "reverse": i.reverse,
                }
                for i in self.items
            ]
        ).set_index("item_id")

    def scales_table(self):
        """The scales as a DataFrame (one row per scale), for display."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "scale": s.name,
                    "label": s.label,
                    "kind": s.kind,
                    "n_items": len(s.items),
                    "reversed": ", ".join(s.reversed_ids),
                    "range": f"{s.response_scale.min}-{s.response_scale.max}",
                    "description": s.description,
                }
                for s in self.scales
            ]
        ).set_index("scale")


#: Rows of a codebook file: (spreadsheet row, column -> stripped cell).
Rows = list[tuple[int, dict[str, str]]]


def _read_rows(folder: Path, name: str, required: tuple[str, ...]) -> Rows:
    """The rows of one codebook file, read by the one CSV reader (rows are spreadsheet
    rows, blank ones skipped); a short row's missing cells are empty."""
    path = folder / name
    if not path.is_file():
        raise CodebookError(f"{path}: codebook file missing")
    try:
        records = list(read_csv(path, delimiter=",").records())
    except InputFileError as exc:
        raise CodebookError(str(exc)) from None
    header = records[0].cells if records else []
    missing = [c for c in required if c not in header]
    if missing:
        raise CodebookError(f"{path}: missing column(s) {', '.join(missing)}")
    return [(r.row, {k: v.strip() for k, v in itertools.zip_longest(header, r.cells[:len(header)],
                                                                     fillvalue="")})
            for r in records[1:]]


def _yes(value: str, path: Path, row: int, column: str) -> bool:
    v = value.lower()
    if v in ("yes", "true", "1"):
        return True
    if v in ("no", "false", "0", ""):
        return False
    raise CodebookError(
        f"{path}: row {row}, column '{column}': value '{value}' (expected yes or no)"
    )


def _number(value: str, path: Path, row: int, column: str) -> float | None:
    if value == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise CodebookError(
            f"{path}: row {row}, column '{column}': value '{value}' (expected a number)"
        ) from None


def _one_of(value: str, known: Collection[str], path: Path, row: int, column: str) -> str:
    # The same message for every column whose value must name a known thing.
    if value not in known:
        raise CodebookError(f"{path}: row {row}, column '{column}': value '{value}' "
                            f"(expected one of {', '.join(known)})")
    return value


def _load_response_scales(folder: Path) -> dict[str, ResponseScale]:
    path = folder / "response_scales.csv"
    rows = _read_rows(folder, "response_scales.csv", ("response_scale", "value", "label"))
    grouped: dict[str, list[tuple[int, str]]] = {}
    for n, row in rows:
        try:
            value = int(row["value"])
        except ValueError:
            raise CodebookError(
                f"{path}: row {n}, column 'value': value '{row['value']}' "
                "(expected a whole number)"
            ) from None
        grouped.setdefault(row["response_scale"], []).append((value, row["label"]))
    scales = {}
    for name, pairs in grouped.items():
        pairs.sort()
        values = tuple(v for v, _ in pairs)
        if values != tuple(range(values[0], values[0] + len(values))):
            raise CodebookError(
                f"{path}: response scale '{name}' has values "
                f"{values} (expected consecutive whole numbers)"
            )
        scales[name] = ResponseScale(name, values, tuple(lab for _, lab in pairs))
    return scales


def _load_items(folder: Path, item_rows: Rows, known_scales: list[str],
                rscales: dict[str, ResponseScale]) -> dict[str, list[Item]]:
    """items.csv: each item under its scale, in file order."""
    path = folder / "items.csv"
    items_by_scale: dict[str, list[Item]] = {s: [] for s in known_scales}
    seen: set[str] = set()
    for n, row in item_rows:
        iid = row["item_id"]
        if not iid or iid in seen:
            raise CodebookError(f"{path}: row {n}: item id '{iid}' is empty or repeated")
        seen.add(iid)
        _one_of(row["scale"], known_scales, path, n, "scale")
        _one_of(row["response_scale"], rscales, path, n, "response_scale")
        items_by_scale[row["scale"]].append(Item(
            id=iid, scale=row["scale"], wording=row["wording"],
            response_scale=rscales[row["response_scale"]],
            reverse=_yes(row["reverse"], path, n, "reverse"),
        ))
    return items_by_scale


def _load_scales(folder: Path, scale_rows: Rows,
                 items_by_scale: dict[str, list[Item]]) -> list[Scale]:
    """scales.csv: each scale with its items (at least two, on one response scale)."""
    path = folder / "scales.csv"
    scales = []
    for n, row in scale_rows:
        name = row["scale"]
        _one_of(row["kind"], SCALE_KINDS, path, n, "kind")
        items = tuple(items_by_scale[name])
        if len(items) < 2:
            raise CodebookError(f"{path}: scale '{name}' has fewer than 2 items")
        if len({i.response_scale.name for i in items}) != 1:
            raise CodebookError(
                f"{folder / 'items.csv'}: items of scale '{name}' use different response scales"
            )
        scales.append(Scale(name=name, label=row["label"], kind=row["kind"],
                            description=row["description"], modelled_on=row["modelled_on"],
                            instructions=row["instructions"], items=items))
    return scales


def _variable(row: dict[str, str], n: int, path: Path, rscales: dict[str, ResponseScale],
              item_ids: set[str]) -> Variable:
    """One row of variables.csv, checked."""
    _one_of(row["type"], VARIABLE_TYPES, path, n, "type")
    if row["name"] in item_ids:
        raise CodebookError(f"{path}: row {n}: name '{row['name']}' is also an item id")
    rs = None
    if row["response_scale"]:
        rs = rscales[_one_of(row["response_scale"], rscales, path, n, "response_scale")]
    expected = _number(row["expected"], path, n, "expected")
    categories = tuple(c for c in row["categories"].split("|") if c)
    option_labels = tuple(c for c in row.get("category_labels", "").split("|") if c)
    if option_labels and len(option_labels) != len(categories):
        raise CodebookError(
            f"{path}: row {n}, column 'category_labels': {len(option_labels)} labels "
            f"for {len(categories)} categories (expected one label per category)"
        )
    return Variable(
        name=row["name"], label=row["label"], type=row["type"],
        required=_yes(row["required"], path, n, "required"),
        min=_number(row["min"], path, n, "min"), max=_number(row["max"], path, n, "max"),
        categories=categories, response_scale=rs,
        expected=None if expected is None else int(expected),
        identifying=_yes(row["identifying"], path, n, "identifying"),
        description=row["description"], question=row.get("question", ""),
        category_labels=option_labels,
    )


def read_codebook(folder: str | Path) -> Codebook:
    """Read and check a codebook folder (see the module docstring for its files).

    Raises :class:`CodebookError` naming the file, row, column and value of the first
    problem; the files are read in the order they depend on each other.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise CodebookError(f"{folder}: codebook folder not found")
    rscales = _load_response_scales(folder)
    item_rows = _read_rows(
        folder, "items.csv", ("item_id", "scale", "wording", "response_scale", "reverse")
    )
    scale_rows = _read_rows(
        folder, "scales.csv",
        ("scale", "label", "kind", "description", "modelled_on", "instructions"),
    )
    items_by_scale = _load_items(folder, item_rows, [r["scale"] for _, r in scale_rows],
                                 rscales)
    scales = _load_scales(folder, scale_rows, items_by_scale)
    var_path = folder / "variables.csv"
    var_rows = _read_rows(
        folder,
        "variables.csv",
        ("name", "label", "type", "required", "min", "max", "categories", "response_scale",
         "expected", "identifying", "description"),
    )
    item_ids = {i.id for items in items_by_scale.values() for i in items}
    variables = [_variable(row, n, var_path, rscales, item_ids) for n, row in var_rows]
    if sum(v.type == "id" for v in variables) != 1:
        raise CodebookError(f"{var_path}: exactly one variable must have type 'id'")
    return Codebook(tuple(scales), tuple(variables), tuple(rscales.values()), source=str(folder))


@lru_cache(maxsize=1)
def _bundled() -> Codebook:
    return read_codebook(codebook_dir())


def load_codebook(folder: str | Path | None = None) -> Codebook:
    """The codebook in ``folder``, or the bundled one when ``folder`` is None (cached)."""
    return _bundled() if folder is None else read_codebook(folder)
