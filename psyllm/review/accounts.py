"""Reviewer accounts: scrypt password hashes (stdlib) in a JSON file, or one user who logs in with the serve key.

The accounts file is `{"rater-id": "scrypt$n$r$p$salt_hex$hash_hex", ...}`; `psyllm review --hash-password` prints a
line for it. Rater ids are what ratings carry into MLflow, so they should be pseudonyms, never names."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

SINGLE_USER = "reviewer"  # the rater id of the one user who logs in with the serve key
_N, _R, _P = 2**14, 8, 1  # scrypt's interactive-login parameters (16 MiB, ~50 ms)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if kind != "scrypt":
        return False
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(got.hex(), digest)


class Accounts:
    """Who may log in: the accounts file's raters, or (without a file) the single user with the serve key."""

    def __init__(self, path: str = "", serve_key_env: str = "PSYLLM_SERVE_API_KEY"):
        self.hashes = json.loads(Path(path).read_text()) if path else {}
        keys = [k.strip() for k in os.environ.get(serve_key_env, "").split(",") if k.strip()]
        self.keys = [] if path else keys
        if not self.hashes and not self.keys:
            raise ValueError(f"no reviewer can log in: give review.accounts (a file of scrypt hashes) or set ${serve_key_env}")

    @property
    def raters(self) -> list[str]:
        return sorted(self.hashes) or [SINGLE_USER]

    def login(self, user: str, password: str) -> str | None:
        """The rater id when the password is right, else None."""
        if self.hashes:
            stored = self.hashes.get(user)
            return user if stored and check_password(password, stored) else None
        ok = any(hmac.compare_digest(password.encode(), k.encode()) for k in self.keys)
        return SINGLE_USER if ok and user in ("", SINGLE_USER) else None
