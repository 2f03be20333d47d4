"""Errors of the catalog app, with stable codes for APIs, commands and logs."""


class CatalogError(Exception):
    code = "catalog_error"


class InvalidTranslation(CatalogError):
    """A translation was asked for an unknown language or with a field the item's translation
    does not have."""

    code = "invalid_translation"


class ImportFileError(CatalogError):
    """The file as a whole cannot be imported (not a WooCommerce product CSV, too large, wrong
    delimiter...). Raised before anything is written.

    `reason` is one of the stable codes below; `str(error)` is the message for people."""

    code = "import_file_error"

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    TOO_MANY_ROWS = "too_many_rows"
    LINE_TOO_LONG = "line_too_long"
    NOT_UTF8 = "not_utf8"
    WRONG_DELIMITER = "wrong_delimiter"
    BAD_HEADER = "bad_header"

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)
