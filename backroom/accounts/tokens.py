"""The shape and digest of API tokens (accounts.models.ApiToken).

A token is `brt_` followed by 43 URL-safe characters: 256 bits from the operating system's
CSPRNG. The prefix lets secret scanners and log filters recognise a leaked token, and lets the
API refuse anything of another shape before it touches the database.

Only a SHA-256 digest is stored. A plain hash is enough here (an HMAC with a server secret adds
nothing): nobody can guess 256 random bits from their digest, and a digest without a secret keeps
every token valid when SECRET_KEY is rotated.
"""

import hashlib
import re
import secrets

PREFIX = "brt_"
_SHAPE = re.compile(r"brt_[A-Za-z0-9_-]{43}")


def generate_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def looks_like_token(raw: object) -> bool:
    return isinstance(raw, str) and _SHAPE.fullmatch(raw) is not None


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()
