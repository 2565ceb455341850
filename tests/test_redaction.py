"""coursekit.survey.redaction on the labelled corpus of free-text answers (recall per kind,
false positives on clean answers, spans removed exactly).

The corpus is tests/fixtures/redaction/corpus.jsonl, written by
scripts/make_redaction_corpus.py. Run with ``-s`` to see the table.
"""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from coursekit.survey.redaction import PLACEHOLDERS, find_identifiers, redact_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "redaction" / "corpus.jsonl"
KINDS = tuple(PLACEHOLDERS)
RECALL_BAR = 0.95
EXACT_BAR = 0.95
PRECISION_BAR = 0.95
CLEAN_FALSE_POSITIVE_BAR = 0.02


def _script():
    spec = importlib.util.spec_from_file_location(
        "make_redaction_corpus", ROOT / "scripts" / "make_redaction_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _corpus() -> list[dict]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def test_the_corpus_is_what_the_script_writes(tmp_path):
    written = _script().write(tmp_path / "corpus.jsonl")
    assert written.read_bytes() == CORPUS.read_bytes()


def _measure(corpus: list[dict]) -> dict:
    planted = Counter()
    removed = Counter()   # planted spans covered entirely by redactions
    right_kind = Counter()
    found = Counter()     # redactions by kind
    found_true = Counter()  # redactions overlapping a planted span
    exact = n_planted_answers = 0
    clean_changed = []
    for record in corpus:
        text, spans = record["text"], record["planted"]
        hits = find_identifiers(text)
        for h in hits:
            found[h.kind] += 1
            if any(h.start < s["end"] and s["start"] < h.end for s in spans):
                found_true[h.kind] += 1
        if not spans:
            if hits:
                clean_changed.append((text, redact_text(text).text))
            continue
        n_planted_answers += 1
        for s in spans:
            planted[s["kind"]] += 1
            covering = [h for h in hits if h.start <= s["start"] and s["end"] <= h.end]
            pieces = sorted((max(h.start, s["start"]), min(h.end, s["end"])) for h in hits
                            if h.start < s["end"] and s["start"] < h.end)
            at = s["start"]
            for a, b in pieces:
                if a > at:
                    break
                at = max(at, b)
            if at >= s["end"]:
                removed[s["kind"]] += 1
            if covering and covering[0].kind == s["kind"]:
                right_kind[s["kind"]] += 1
        if sorted((h.start, h.end) for h in hits) == sorted((s["start"], s["end"])
                                                            for s in spans):
            exact += 1
    return {"planted": planted, "removed": removed, "right_kind": right_kind, "found": found,
            "found_true": found_true, "exact": exact, "n_planted_answers": n_planted_answers,
            "clean_changed": clean_changed,
            "n_clean": sum(1 for r in corpus if not r["planted"])}


@pytest.fixture(scope="module")
def measured():
    m = _measure(_corpus())
    print("\nkind      planted  removed  recall  right kind  precision")
    for k in KINDS:
        n, r = m["planted"][k], m["removed"][k]
        prec = m["found_true"][k] / m["found"][k] if m["found"][k] else float("nan")
        print(f"{k:9} {n:7d} {r:8d} {r / n:7.3f} {m['right_kind'][k] / n:11.3f} {prec:10.3f}")
    print(f"answers with planted identifiers: {m['n_planted_answers']}, removed exactly "
          f"(no more, no less): {m['exact']} ({m['exact'] / m['n_planted_answers']:.3f})")
    print(f"clean answers: {m['n_clean']}, changed: {len(m['clean_changed'])}")
    for before, after in m["clean_changed"]:
        print(f"  false positive: {before!r} -> {after!r}")
    return m


def test_corpus_size(measured):
    assert measured["n_planted_answers"] >= 200 and measured["n_clean"] >= 50
    assert all(measured["planted"][k] >= 25 for k in KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_recall_per_kind(measured, kind):
    recall = measured["removed"][kind] / measured["planted"][kind]
    assert recall >= RECALL_BAR, (kind, recall)
    assert measured["right_kind"][kind] / measured["planted"][kind] >= 0.9, kind


def test_precision_and_clean_answers_unchanged(measured):
    for k in KINDS:
        if measured["found"][k]:
            assert measured["found_true"][k] / measured["found"][k] >= PRECISION_BAR, k
    assert len(measured["clean_changed"]) / measured["n_clean"] <= CLEAN_FALSE_POSITIVE_BAR, \
        measured["clean_changed"]


def test_spans_removed_exactly(measured):
    assert measured["exact"] / measured["n_planted_answers"] >= EXACT_BAR


@pytest.mark.parametrize(("text", "want"), [
    ("I live at 17 Larkspur Crescent, Bristol BS8 4QT", "I live at [address removed]"),
    ("call (617) 555-0199 after 6", "call [phone number removed] after 6"),
    ("my link (https://example.org/zelda).", "my link ([link removed])."),
    ("Keizersgracht 123, 1015 CJ Amsterdam is home", "[address removed] is home"),
    ("250000 views and 1,200 followers", "250000 views and 1,200 followers"),
])
def test_placeholders_leave_no_fragments(text, want):
    assert redact_text(text).text == want


def test_every_planted_value_in_every_frame():
    """The whole grid the corpus samples from: each value of each kind in each of its frames,
    as typed and capitalised. Removed means nothing of the value is left but the sentence's
    own closing period ("... 12 Oak St." at the end of an answer)."""
    script = _script()
    total, removed = Counter(), Counter()
    missed = []
    for kind, values in script.VALUES.items():
        for value in values:
            for frame in script.frames_for(kind, value):
                for cap in (False, True):
                    text = frame.replace("{x}", value)
                    text = text[0].upper() + text[1:] if cap else text
                    start = frame.index("{x}")
                    end = start + len(value)
                    if text[end - 1] == "." and end == len(text):
                        end -= 1
                    hits = find_identifiers(text)
                    total[kind] += 1
                    if any(h.start <= start and end <= h.end for h in hits):
                        removed[kind] += 1
                    else:
                        missed.append(text)
    print("\ngrid: " + ", ".join(f"{k} {removed[k]}/{total[k]}" for k in total))
    for k in total:
        assert removed[k] / total[k] >= RECALL_BAR, (k, missed[:10])
