"""Supervisor passwords: scrypt with a random salt, compared in constant time.

The stored form carries its own parameters ("scrypt$n$r$p$salt$hash") so the
cost can be raised later without breaking passwords set before.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

# n=2**14, r=8: about 16 MiB and a few tens of ms, the interactive-login
# setting recommended for scrypt; a desk check runs once per supervisor view.
N, R, P = 2 ** 14, 8, 1


def hash_password(password: str) -> str:
    if not password:
        raise ValueError("a supervisor password cannot be empty")
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, maxmem=64 * 2 ** 20)
    return f"scrypt${N}${R}${P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    if not stored or password is None:
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p),
                             maxmem=64 * 2 ** 20)
    except ValueError:
        return False
    return hmac.compare_digest(got, bytes.fromhex(digest))
