"""Bearer tokens: 256 random bits, kept only as a SHA-256 digest.

A fast hash is right here: the tokens are random, not chosen by people, so there
is nothing for a slow hash to protect against.
"""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
