"""The one way to normalise the keys customers are matched on."""

import phonenumbers


def normalize_email(raw: str | None) -> str:
    """Trimmed and case-folded; "" when there is nothing that looks like an address.

    The whole address is case-folded: mailbox names are case-sensitive in theory, never in the
    shops' practice, and two orders from `Ann@X.com` and `ann@x.com` are one buyer."""
    value = (raw or "").strip().casefold()
    if value.count("@") != 1 or value.startswith("@") or value.endswith("@"):
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
