"""coursekit.common.checks, .text and .pseudonyms: the checks every layer shares."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit.common.checks import check_whole, is_whole
from coursekit.common.errors import AnalysisInputError, CourseKitError, SecretError
from coursekit.common.pseudonyms import (
    MIN_SECRET_CHARS,
    check_secret_length,
    hex_digest,
    seed_of,
    tagged,
)
from coursekit.common.text import compact_key, match_key, squash, words


@pytest.mark.parametrize("value", [0, 7, np.int64(3), np.uint8(2)])
def test_whole_numbers_pass_as_int(value):
    out = check_whole(value, "n", minimum=0)
    assert out == int(value) and type(out) is int


@pytest.mark.parametrize("value, kw, message", [
    (True, {"minimum": 0}, "seed must be a whole number >= 0, got True"),
    (1.0, {"minimum": 0}, "seed must be a whole number >= 0, got 1.0"),
    ("3", {"minimum": 0}, "seed must be a whole number >= 0, got '3'"),
    (-1, {"minimum": 0}, "seed must be a whole number >= 0, got -1"),
    (5, {"minimum": 10}, "seed must be a whole number of at least 10, got 5"),
    (0, {"minimum": 1, "maximum": 2_000_000},
     "seed must be a whole number from 1 to 2,000,000, got 0"),
    (3, {"maximum": 2}, "seed must be a whole number <= 2, got 3"),
])
def test_bad_whole_numbers_are_named(value, kw, message):
    with pytest.raises(CourseKitError) as info:
        check_whole(value, "seed", **kw)
    assert str(info.value) == message


def test_the_error_class_and_prefix_are_the_callers():
    with pytest.raises(AnalysisInputError, match=r"^efa: n_factors must be a whole number"):
        check_whole(0, "n_factors", minimum=1, error=AnalysisInputError, prefix="efa: ")


@pytest.mark.parametrize("x, whole", [(3.0, True), (-2.0, True), (2.5, False),
                                      (float("nan"), False), (float("inf"), False), (4, True)])
def test_is_whole(x, whole):
    assert is_whole(x) is whole


def test_text_normalizers():
    assert squash("  Strongly \t AGREE\n") == "strongly agree"
    assert squash("a_b-c d", separators="_-") == "a b c d"
    assert match_key("Q12) How OLD are   you?") == "how old are you"
    assert match_key("2. Ｆｕｌｌ-width_name") == "fullwidth name"  # NFKC folds full width
    assert compact_key("Duration (in seconds)") == "durationinseconds"
    assert words("RecipientEmail") == ["recipient", "email"]
    assert words("IPAddress") == ["ip", "address"]
    assert words("e-mail address") == ["e", "mail", "address"]


def test_one_minimum_for_every_secret():
    assert check_secret_length("x" * MIN_SECRET_CHARS, "--salt") == b"x" * MIN_SECRET_CHARS
    with pytest.raises(SecretError) as info:
        check_secret_length("y" * (MIN_SECRET_CHARS - 1), "--salt")
    assert "y" * 5 not in str(info.value) and f"at least {MIN_SECRET_CHARS}" in str(info.value)


def test_hmac_values_are_fixed():
    # Known values: HMAC-SHA256 with the key "key" (RFC 4231 style check of the wiring).
    assert hex_digest(b"key", "The quick brown fox jumps over the lazy dog") == (
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8")
    assert tagged("seed", "007") == b"coursekit/seed\x00007"
    assert 0 <= seed_of(b"k", b"m") < 2**31
