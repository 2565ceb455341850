import re

import pytest

from coursekit.common.errors import PrivacyError, SecretError
from coursekit.common.pseudonyms import MIN_SECRET_CHARS
from coursekit.survey import deidentify
from coursekit.survey.deidentify import (
    SALT_ENV,
    DroppedColumn,
    Salt,
    content_reason,
    identifier_reason,
    pseudonym,
    pseudonymize,
    redact,
    resolve_salt,
)

SALT = "correct horse battery staple"


def test_pseudonym_is_hmac_sha256_rfc4231_vector():
    # RFC 4231, test case 2: HMAC-SHA256(key="Jefe", "what do ya want for nothing?")
    # = 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843
    salt = Salt(b"Jefe", reproducible=True)
    assert pseudonym("what do ya want for nothing?", salt) == "P5bdcc146bf"


def test_pseudonyms_are_stable_per_salt_and_differ_between_salts():
    a, b = resolve_salt(SALT), resolve_salt(SALT + "!")
    ids = ["R_1", "R_2", "R_3"]
    first = pseudonymize(ids, a)
    assert first == pseudonymize(ids, a)
    assert all(re.fullmatch(r"P[0-9a-f]{10}", p) for p in first)
    assert len(set(first)) == 3
    assert set(first).isdisjoint(pseudonymize(ids, b))
    assert pseudonym(" R_1 ", a) == first[0]  # spaces around an id do not matter


def test_salt_sources_and_secrecy():
    from_env = resolve_salt(None, {SALT_ENV: SALT})
    assert from_env.reproducible and from_env.origin == SALT_ENV
    assert resolve_salt(SALT, {SALT_ENV: "another salt entirely"}).origin == "--salt"
    assert pseudonym("x", from_env) == pseudonym("x", resolve_salt(SALT))
    for text in (repr(from_env), str(from_env), from_env.describe()):
        assert SALT not in text
    random_a, random_b = resolve_salt(None, {}), resolve_salt(None, {})
    assert not random_a.reproducible and "not reproducible" in random_a.describe()
    assert pseudonym("R_1", random_a) != pseudonym("R_1", random_b)


def test_short_salt_is_refused_without_echoing_it():
    with pytest.raises(PrivacyError, match="at least 16") as info:
        resolve_salt("hunter2")
    assert "hunter2" not in str(info.value)
    with pytest.raises(PrivacyError, match=SALT_ENV):
        resolve_salt(None, {SALT_ENV: "short"})


@pytest.mark.parametrize("length", [12, 15, 16])
def test_salt_and_course_secret_share_one_minimum_and_one_error(length):
    # One rule for both keys: a salt is refused exactly when a course secret is.
    from coursekit.render.roster import check_secret

    key = "k" * length
    if length < MIN_SECRET_CHARS:
        with pytest.raises(SecretError, match=f"{length} characters") as salt_error:
            resolve_salt(key)
        with pytest.raises(SecretError, match=f"{length} characters") as secret_error:
            check_secret(key)
        assert key not in str(salt_error.value) + str(secret_error.value)
    else:
        assert resolve_salt(key).reproducible and check_secret(key) == key


def test_pseudonyms_keep_their_values():
    # Imported respondent ids are compared across runs: the bytes of the scheme are fixed.
    assert pseudonym("R_1a2B3c4D5e6F7g8", resolve_salt("a class-specific secret")) \
        == "P5445748617"
    assert pseudonym(" R_1 ", resolve_salt(SALT)) == pseudonym("R_1", resolve_salt(SALT))


def test_collisions_are_detected(monkeypatch):
    monkeypatch.setattr(deidentify, "PSEUDONYM_HEX", 1)  # 16 pseudonyms: 17 ids must collide
    with pytest.raises(PrivacyError, match="collision") as info:
        pseudonymize([f"R_{k}" for k in range(17)], resolve_salt(SALT))
    assert "R_" not in str(info.value)
    # the same id twice is not a collision
    assert len(set(pseudonymize(["R_1", "R_1"], resolve_salt(SALT)))) == 1


@pytest.mark.parametrize(("header", "reason"), [
    ("RecipientEmail", "email address"), ("Email address", "email address"),
    ("E-mail", "email address"), ("IPAddress", "IP address"), ("IP Address", "IP address"),
    ("RecipientFirstName", "name"), ("Your name (optional)", "name"),
    ("LocationLatitude", "location"), ("LocationLongitude", "location"),
    ("ExternalReference", "external reference"), ("External Data Reference", "external reference"),
    ("Phone number", "phone number"), ("TikTok username", "account name"),
    ("Student ID", "student id"),
    ("How old are you (in years)?", None), ("UserLanguage", None), ("Status", None),
    ("Duration (in seconds)", None), ("Which part of the world do you live in?", None),
])
def test_identifier_reason(header, reason):
    assert identifier_reason(header) == reason


def test_content_reason():
    assert content_reason(["", "ok", "me@uni.example"]) == "email address"
    assert content_reason(["10.0.0.12"]) == "IP address"
    assert content_reason(["2001:db8:0:0:1:0:0:1"]) == "IP address"
    assert content_reason(["find me @dance_queen"]) == "account name"
    for harmless in (["4", "5"], ["2026-05-02 10:14:07"], ["1.5", "277.0"], ["3.2.1 go"]):
        assert content_reason(harmless) is None


def test_redact_removes_contact_details_and_counts_them():
    text = ("write me at a.b+tt@mail.example, see https://x.example/p?q=1 or @zel_da, "
            "call +44 20 7946 0958, ip 203.0.113.7")
    clean, n = redact(text)
    assert n == 5
    for gone in ("a.b+tt@mail.example", "https://", "@zel_da", "7946", "203.0.113.7"):
        assert gone not in clean
    assert clean.startswith("write me at [email removed]")
    assert redact("funny videos after school, 3 times a day") == (
        "funny videos after school, 3 times a day", 0)


def test_dropped_column_describes_counts_not_values():
    d = DroppedColumn("RecipientEmail", "email address", 3)
    assert d.describe() == "'RecipientEmail' (email address, 3 values)"
    assert DroppedColumn("x", "name", 1).describe().endswith("1 value)")
