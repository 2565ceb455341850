"""The one pseudonym scheme: HMAC-SHA256 under a secret key, with one minimum key length.

Two things are derived from an id and a secret:

- respondent pseudonyms on import (:mod:`coursekit.survey.deidentify`): ``P`` + 10 hex
  digits of HMAC-SHA256(salt, id);
- a student's folder label and cohort seed (:mod:`coursekit.render.roster`):
  HMAC-SHA256(secret, ``coursekit/<purpose>\\0<id>``), ``s-`` + 8 hex digits and 31 bits.

The two message formats differ because existing pseudonyms, labels and seeds must keep
their values (imports and rendered sites are compared across runs); the key check, the
HMAC and the error are shared. HMAC (RFC 2104 / FIPS 198-1) comes from :mod:`hmac`:
without the key, a pseudonym cannot be traced back to an id nor checked against a guess.

A key shorter than :data:`MIN_SECRET_CHARS` is refused with a :class:`SecretError`:
a learner sees their own id, label and seed, and a short key could be found from them
by trying every key.

>>> key = check_secret_length("a course secret of some length", "--secret")
>>> hex_digest(key, "R_1")[:10]
'40920b9c74'
>>> tagged("seed", "007")
b'coursekit/seed\\x00007'
>>> check_secret_length("hunter2", "--salt")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
coursekit.common.errors.SecretError: --salt: the secret is too short (7 characters, ...
"""

from __future__ import annotations

import hashlib
import hmac

from coursekit.common.errors import SecretError

MIN_SECRET_CHARS = 16
MAKE_ONE = 'python -c "import secrets; print(secrets.token_urlsafe(24))"'


def check_secret_length(secret: str, where: str) -> bytes:
    """The key bytes of ``secret`` (UTF-8), or :class:`SecretError` naming ``where`` it came
    from if it is shorter than :data:`MIN_SECRET_CHARS`; the secret itself is never shown."""
    if len(secret) < MIN_SECRET_CHARS:
        raise SecretError(
            f"{where}: the secret is too short ({len(secret)} characters, expected at least "
            f"{MIN_SECRET_CHARS}): a short secret can be found by trying them all; "
            f"make one with: {MAKE_ONE}")
    return secret.encode("utf-8")


def digest(key: bytes, message: str | bytes) -> bytes:
    """HMAC-SHA256 of ``message`` (UTF-8 if text) under ``key``."""
    data = message.encode("utf-8") if isinstance(message, str) else message
    return hmac.new(key, data, hashlib.sha256).digest()


def hex_digest(key: bytes, message: str | bytes) -> str:
    """:func:`digest` as lower-case hex."""
    return digest(key, message).hex()


def tagged(purpose: str, text: str) -> bytes:
    """A message bound to one purpose, so a seed never equals a label of the same id."""
    return f"coursekit/{purpose}\0{text}".encode()


def seed_of(key: bytes, message: str | bytes) -> int:
    """A seed from :func:`digest`: its first 4 bytes, big-endian, as 31 bits (0 .. 2**31-1)."""
    return int.from_bytes(digest(key, message)[:4], "big") & 0x7FFF_FFFF
