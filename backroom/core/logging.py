"""Keeping secrets out of logs (design invariant 6).

Store keys travel in request URLs (`?key=`), in JSON bodies (`"crmSecretKey": "..."`) and in
form posts, and anything about a request may end up in a log line: gunicorn's access log
prints the request line, referrer and user agent; Django logs paths and bad Host headers;
an exception message may quote what it was given. So the filter below is installed on every
handler (settings.LOGGING, and gunicorn's handlers through GunicornLogger) and rewrites each
record before it is written:

- the value of any parameter whose name ends in "key" (`key=`, `api_key=`, `crmSecretKey=`,
  also with `=` percent-encoded), up to the next `&`, space or quote;
- the value of any JSON member whose name ends in "key" (`"crmSecretKey": "..."`);
- anything of a store key's shape (8-4-4-4-12 hex digits, hyphens possibly percent-encoded),
  wherever it stands: a key sent in a path, a header or a garbled parameter is caught too.
  Backroom itself writes no other UUIDs to its logs;
- API tokens (`brt_...`, accounts.tokens) and whatever follows `Bearer `.

Each is replaced by REDACTED, so an operator sees that something was there.
"""

from __future__ import annotations

import logging
import re

from gunicorn import glogging

REDACTED = "[REDACTED]"

_HEX = "[0-9A-Fa-f]"
_DASH = "(?:-|%2[Dd])"
_KEY_SHAPE = re.compile(
    rf"(?<![0-9A-Fa-f]){_HEX}{{8}}{_DASH}{_HEX}{{4}}{_DASH}{_HEX}{{4}}{_DASH}{_HEX}{{4}}"
    rf"{_DASH}{_HEX}{{12}}(?![0-9A-Fa-f])"
)
_PARAMETER = re.compile(r"(?i)(key(?:=|%3D))[^&\s\"'<>]*")
_API_TOKEN = re.compile(r"brt_[A-Za-z0-9_-]{8,}")
_BEARER = re.compile(r"(?i)(bearer\s+)[^\s\"',]+")
_JSON_MEMBER = re.compile(r"(?i)(\"[^\"\\]{0,100}key\\?\"\s*:\s*)\"(?:[^\"\\]|\\.)*\"")


def redact(text: str) -> str:
    """`text` with every secret it seems to hold replaced by REDACTED."""
    if not text:
        return text
    text = _JSON_MEMBER.sub(rf'\1"{REDACTED}"', text)
    text = _PARAMETER.sub(rf"\1{REDACTED}", text)
    text = _BEARER.sub(rf"\1{REDACTED}", text)
    text = _API_TOKEN.sub(REDACTED, text)
    return _KEY_SHAPE.sub(REDACTED, text)


class RedactSecrets(logging.Filter):
    """A handler filter that redacts the message, the exception text and the stack of each
    record (never drops one). The message is formatted here once (args merged), so what the
    handler writes is exactly what was checked."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format: keep the raw template, never lose the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class GunicornLogger(glogging.Logger):
    """gunicorn's logger with RedactSecrets on every handler of its error and access logs
    (`backroom serve` sets it as `logger_class`), so request lines with `?key=` are redacted
    like Django's own records."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, RedactSecrets) for f in handler.filters):
                    handler.addFilter(RedactSecrets())
