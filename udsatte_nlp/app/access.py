"""The access key of network mode: without it the app shows nothing of the project.

``udsatte-nlp app --network`` makes a random key (or takes ``--token``) and passes
it to the server in ``UDSATTE_TOKEN``; the URL it prints ends in ``?token=…``, as
Jupyter's does. A browser that opened that URL, or typed the key into the app's
field, gets a session cookie holding a value derived from the key (never the key
itself), so reloading the page or opening another tab works until the browser is
closed. Loopback mode (the default) needs no key.

>>> cookie_value("hemmelig") == cookie_value("hemmelig") != cookie_value("andet")
True
>>> matches("abc", "abc"), matches("abd", "abc"), matches("", "abc")
(True, False, False)
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

__all__ = ["TOKEN_ENV", "COOKIE", "new_token", "required_token", "cookie_value", "matches"]

TOKEN_ENV = "UDSATTE_TOKEN"
COOKIE = "udsatte_adgang"


def new_token() -> str:
    """A random key of 32 URL-safe characters (192 bits)."""
    return secrets.token_urlsafe(24)


def required_token() -> str | None:
    """The key this server requires, or None when it needs none (loopback mode)."""
    return os.environ.get(TOKEN_ENV) or None


def cookie_value(token: str) -> str:
    """What the session cookie holds: an HMAC of the key, so the cookie never shows the key."""
    return hmac.new(token.encode("utf-8"), b"udsatte-nlp adgang", hashlib.sha256).hexdigest()


def matches(given: str | None, expected: str) -> bool:
    """Whether ``given`` is ``expected``, compared in constant time."""
    return bool(given) and hmac.compare_digest(str(given).encode("utf-8"), expected.encode("utf-8"))
