"""Template helpers shared by every screen: what the signed-in user may do."""

from django import template

from backroom.accounts.permissions import has_permission

register = template.Library()


@register.simple_tag
def can(user, document: str, action: str, company_id: int | None = None) -> bool:
    """`{% can user "stores" "create" as may_create %}`: the server's own permission check, so a
    menu item or a button shows exactly when the view behind it would let the user in."""
    if not getattr(user, "is_authenticated", False):
        return False
    return has_permission(user, document, action, company_id)
