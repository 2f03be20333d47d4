"""The one way to normalise the keys customers are matched on, and to clean the texts they give."""

import unicodedata

import phonenumbers

_MAX_RAW = 1000  # longer input is junk; not worth normalising
_MAX_EMAIL = 320


def normalize_email(raw: str | None) -> str:
    """Compatibility-normalised (NFKC: full-width letters become plain), case-folded and without
    any white space or invisible formatting characters; "" when the rest does not look like an
    address (one "@" with text on both sides, no control characters, at most 320 characters).

    The whole address is case-folded: mailbox names are case-sensitive in theory, never in the
    shops' practice, and two orders from `Ann@X.com` and `ann@x.com` are one buyer. Spaces
    cannot be part of an unquoted address, so `ann @x.com` typed on a phone is `ann@x.com`."""
    value = raw or ""
    if len(value) > _MAX_RAW:
        return ""
    for _ in range(3):  # case folding can un-normalise, so repeat until nothing changes
        folded = "".join(
            char
            for char in unicodedata.normalize("NFKC", value).casefold()
            if not char.isspace() and unicodedata.category(char) != "Cf"
        )
        folded = unicodedata.normalize("NFKC", folded)
        if folded == value:
            break
        value = folded
    local, at, domain = value.partition("@")
    if not (local and at and domain) or "@" in domain or len(value) > _MAX_EMAIL:
        return ""
    if any(unicodedata.category(char) in {"Cc", "Cs"} for char in value):
        return ""
    return value


def normalize_phone(raw: str | None, *, region: str | None) -> str:
    """E.164 (`+441632960961`), reading a national number in `region` (two letters); "" when
    the text is not a possible phone number."""
    text = (raw or "").strip()
    if not text or len(text) > 64:
        return ""
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_text(value: str | None) -> str:
    """Without control characters and lone surrogates (which PostgreSQL refuses and no one
    means), trimmed."""
    return "".join(
        char for char in (value or "") if unicodedata.category(char) not in {"Cc", "Cs"}
    ).strip()


def clean_json(value: object) -> object:
    """Keys and texts at any depth cleaned by clean_text (PostgreSQL's JSON refuses NUL); other
    JSON values kept."""
    if isinstance(value, dict):
        return {clean_text(str(key)): clean_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean_json(item) for item in value]
    return clean_text(value) if isinstance(value, str) else value
