"""The API's JSON parser: ninja's, with a size limit of its own.

A connection document is a few kilobytes, so 64 KiB leaves room for long allow-lists and
unicode names while a client that sends megabytes learns at once (413) that something is wrong.
Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MiB) still caps every body before it is read.
"""

import json

from django.http import HttpRequest
from ninja.parser import Parser

MAX_BODY_BYTES = 64 * 1024


class BodyTooLarge(Exception):
    """The body is longer than MAX_BODY_BYTES."""


class JsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> object:
        """The body as JSON. A string with an unpaired surrogate (`"\\ud800"`) is valid JSON
        but no valid text: refused here (UnicodeEncodeError) so it never reaches a database."""
        body = request.body
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLarge()
        data = json.loads(body)
        json.dumps(data, ensure_ascii=False).encode("utf-8")
        return data
