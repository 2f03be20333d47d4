"""Cell parsers for WooCommerce's product CSV layout. Pure functions: text in, value out, or
FieldError with a message a shop owner understands.

They undo what WooCommerce's exporter does (WC_Product_CSV_Exporter): lists joined by ", " with
commas inside a value written as "\\,", newlines in descriptions written as the two characters
"\\n", and a "'" put before a cell that starts with = + - @ (and, in newer versions, | % tab CR
LF) so that spreadsheets do not run it as a formula.
"""

import html
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


class FieldError(ValueError):
    """A cell that cannot be read; the message names the value and says what was expected."""


_FORMULA_ESCAPED = re.compile(r"'[=+\-@|%\t\r\n]")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_INTEGER = re.compile(r"-?[0-9]+")
_MAX_NUMBER_LENGTH = 40
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1

_TRUE = {"1", "yes", "true"}
_FALSE = {"0", "no", "false"}

CARRIED_TYPES = ("simple", "variable", "variation")
SKIPPED_TYPES = ("grouped", "external")
_TYPE_FLAGS = {"downloadable", "virtual"}


def clean_cell(value: str) -> str:
    """A cell as written by the user: CRLF made LF, outer spaces dropped, and the exporter's
    formula guard removed."""
    value = value.replace("\r\n", "\n").strip()
    if _FORMULA_ESCAPED.match(value):
        value = value[1:]
    return value


def parse_decimal(value: str, *, places: int, max_digits: int) -> Decimal | None:
    """A non-negative decimal written with a dot ("12.50", ".5", "18"), or None for a blank cell.

    Refused, never rounded: commas ("12,5"), signs, exponents, NaN/Infinity, more than `places`
    decimals (other than zeros) and values that do not fit `max_digits`."""
    value = clean_cell(value)
    if not value:
        return None
    shown = value if len(value) <= _MAX_NUMBER_LENGTH else value[:_MAX_NUMBER_LENGTH] + "..."
    if len(value) > _MAX_NUMBER_LENGTH:
        raise FieldError(f"'{shown}' is too long to be a number")
    if value.startswith("-") and _DECIMAL.fullmatch(value[1:]):
        raise FieldError(f"'{shown}' is negative")
    if not _DECIMAL.fullmatch(value):
        if "," in value and _DECIMAL.fullmatch(value.replace(",", ".", 1)):
            raise FieldError(f"'{shown}' is not a number: write decimals with a dot, as in 12.5")
        raise FieldError(f"'{shown}' is not a number")
    number = Decimal(value)
    exponent = Decimal(1).scaleb(-places)
    try:
        rounded = number.quantize(exponent)
    except InvalidOperation:
        raise FieldError(f"'{shown}' is too large") from None
    if rounded != number:
        raise FieldError(f"'{shown}' has more than {places} decimal places")
    if rounded.adjusted() >= max_digits - places:
        raise FieldError(f"'{shown}' is too large")
    return rounded


def parse_int(value: str) -> int | None:
    """A whole number that fits a database integer, or None for a blank cell."""
    value = clean_cell(value)
    if not value:
        return None
    if len(value) > _MAX_NUMBER_LENGTH or not _INTEGER.fullmatch(value):
        shown = value[:_MAX_NUMBER_LENGTH]
        raise FieldError(f"'{shown}' is not a whole number")
    number = int(value)
    if not _INT_MIN <= number <= _INT_MAX:
        raise FieldError(f"'{value}' is out of range")
    return number


def parse_bool(value: str) -> bool | None:
    """1/0, yes/no, true/false in any case; None for a blank cell."""
    value = clean_cell(value).lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FieldError(f"'{value[:_MAX_NUMBER_LENGTH]}' is not 1 or 0")


def split_list(value: str) -> list[str]:
    """WooCommerce's comma list: items trimmed, "\\," kept as a comma inside an item, empty items
    dropped."""
    items = []
    current: list[str] = []
    iterator = iter(clean_cell(value))
    for char in iterator:
        if char == "\\":
            following = next(iterator, "")
            if following == ",":
                current.append(",")
            else:
                current.append(char + following)
        elif char == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def parse_type(value: str) -> str:
    """The product type of a `Type` cell such as "simple, downloadable, virtual": the one entry
    that is not a flag; "simple" when only flags (or nothing) are given, as WooCommerce does."""
    kinds = [item.lower() for item in split_list(value) if item.lower() not in _TYPE_FLAGS]
    if not kinds:
        return "simple"
    if len(kinds) > 1:
        raise FieldError(f"'{clean_cell(value)[:80]}' names more than one product type")
    kind = kinds[0]
    if kind not in CARRIED_TYPES + SKIPPED_TYPES:
        raise FieldError(f"'{kind[:80]}' is not a WooCommerce product type")
    return kind


def parse_category_paths(value: str) -> list[tuple[str, ...]]:
    """ "Clothing > Tshirts, Music" -> [("Clothing", "Tshirts"), ("Music",)]; duplicates dropped,
    order kept."""
    paths: list[tuple[str, ...]] = []
    for item in split_list(value):
        path = tuple(part.strip() for part in item.split(">"))
        if not all(path):
            raise FieldError(f"'{item[:80]}' has an empty category name")
        if path not in paths:
            paths.append(path)
    return paths


def parse_stock_status(value: str) -> str | None:
    """`In stock?`: 1 in stock, 0 out of stock, "backorder" on backorder; None for blank."""
    cleaned = clean_cell(value).lower()
    if cleaned in {"backorder", "onbackorder"}:
        return "onbackorder"
    in_stock = parse_bool(value)
    if in_stock is None:
        return None
    return "instock" if in_stock else "outofstock"


def parse_backorders(value: str) -> str | None:
    """`Backorders allowed?`: 1 yes, 0 no, "notify"; None for blank."""
    if clean_cell(value).lower() == "notify":
        return "notify"
    allowed = parse_bool(value)
    if allowed is None:
        return None
    return "yes" if allowed else "no"


def parse_published(value: str) -> bool | None:
    """`Published`: 1 published; 0 (private) and -1 (draft) are not; true/false also accepted."""
    cleaned = clean_cell(value).lower()
    if not cleaned:
        return None
    if cleaned in {"1", "true"}:
        return True
    if cleaned in {"0", "-1", "false"}:
        return False
    raise FieldError(f"'{cleaned[:_MAX_NUMBER_LENGTH]}' is not 1, 0 or -1")


@dataclass(frozen=True)
class Reference:
    """A product named in `Parent`, `Upsells` or `Cross-sells`: by SKU, or by the file's ID
    ("id:45"), which only means something within the same file."""

    sku: str = ""
    file_id: int | None = None

    @property
    def key(self) -> str:
        return f"id:{self.file_id}" if self.file_id is not None else f"sku:{self.sku}"

    def __str__(self) -> str:
        return f"id:{self.file_id}" if self.file_id is not None else self.sku


_ID_REFERENCE = re.compile(r"id:\s*([0-9]{1,18})", re.IGNORECASE)


def parse_reference(value: str) -> Reference | None:
    value = clean_cell(value)
    if not value:
        return None
    if match := _ID_REFERENCE.fullmatch(value):
        return Reference(file_id=int(match.group(1)))
    return Reference(sku=value)


def parse_references(value: str) -> list[Reference]:
    references = []
    for item in split_list(value):
        reference = parse_reference(item)
        if reference is not None and reference not in references:
            references.append(reference)
    return references


def decode_description(value: str) -> str:
    """Undo the exporter's escaping of descriptions: "\\n" is a line break, "\\\\n" a literal
    backslash-n (WC_Product_CSV_Importer::parse_description_field)."""
    value = value.replace("\r\n", "\n")
    return "\\n".join(part.replace("\\n", "\n") for part in value.split("\\\\n")).strip()


_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr|blockquote|pre)\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_MANY_BREAKS = re.compile(r"\n{3,}")


def html_to_text(value: str) -> str:
    """Plain text of an HTML description: block ends become line breaks, tags go, entities are
    decoded. Regular expressions in one pass each, so hostile markup costs linear time (Django's
    strip_tags gives up on deeply broken markup with an exception)."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n", value)))
    lines = [line.strip() for line in text.split("\n")]
    return _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()
