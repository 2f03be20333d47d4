"""Admin for the account itself, its users, memberships and roles: for the account's owners
(and installation operators). Owners never see operators, nor any other account's users."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Count

from backroom.accounts.models import Account, Membership, Role, User
from backroom.accounts.permissions import permission_choices, permission_label
from backroom.core.admin import (
    AccountScopedAdmin,
    ScopedFormMixin,
    ScopedModelForm,
    ScopedStackedInline,
)


@admin.register(Account)
class AccountAdmin(AccountScopedAdmin):
    """Owners may rename their account; its limits are the operator's to set."""

    list_display = ("name", "max_stores", "created_at")
    search_fields = ("name",)
    readonly_fields = ("created_at",)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("max_stores")
        return fields

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class RoleForm(ScopedModelForm):
    permissions = forms.MultipleChoiceField(
        choices=permission_choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Role
        fields = "__all__"


@admin.register(Role)
class RoleAdmin(AccountScopedAdmin):
    form = RoleForm
    list_display = ("name", "permission_count", "member_count")
    search_fields = ("name",)
    readonly_fields = ("granted",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(members=Count("memberships"))

    @admin.display(description="permissions")
    def permission_count(self, role: Role) -> int:
        return len(role.permissions)

    @admin.display(description="members", ordering="members")
    def member_count(self, role: Role) -> int:
        return role.members

    @admin.display(description="grants")
    def granted(self, role: Role) -> str:
        return "; ".join(permission_label(code) for code in role.permissions) or "-"


class MembershipForm(ScopedModelForm):
    """An account keeps at least one owner: an owner cannot demote the last one (themselves,
    usually) and lock everybody out of the account's settings."""

    class Meta:
        model = Membership
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        membership = self.instance
        if membership.pk and membership.is_owner and not cleaned.get("is_owner", True):
            other_owners = Membership.objects.filter(
                account_id=membership.account_id, is_owner=True
            ).exclude(pk=membership.pk)
            if not other_owners.exists():
                raise ValidationError("An account needs at least one owner.", code="last_owner")
        return cleaned

    def has_changed(self):
        """A new membership is saved even if left as it came: the user must join the account."""
        return self.instance._state.adding or super().has_changed()


class MembershipInline(ScopedStackedInline):
    model = Membership
    form = MembershipForm
    fk_name = "user"
    can_delete = False
    filter_horizontal = ("roles",)

    def get_min_num(self, request, obj=None, **kwargs):
        """A user an owner adds must join the owner's account, or nobody could see them."""
        return 0 if request.user.is_superuser else 1

    def get_max_num(self, request, obj=None, **kwargs):
        return 1

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class MemberCreationForm(ScopedFormMixin, AdminUserCreationForm):
    pass


class MemberChangeForm(ScopedFormMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(AccountScopedAdmin, DjangoUserAdmin):
    """Owners manage the users of their account: who they are, whether they may sign in, their
    own company and roles. Superuser status, Django groups and model permissions are the
    operator's: Backroom's rights come from roles."""

    form = MemberChangeForm
    add_form = MemberCreationForm
    inlines = (MembershipInline,)
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "own_company",
        "is_owner",
        "is_active",
    )
    list_select_related = ("membership__company",)
    list_filter = ("is_active", "is_staff")
    member_fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Sign-in", {"fields": ("is_active", "is_staff")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.member_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.filter(is_superuser=False)
        return queryset

    @admin.display(description="own company", ordering="membership__company__name")
    def own_company(self, user: User):
        membership = getattr(user, "membership", None)
        return membership.company if membership else None

    @admin.display(description="owner", boolean=True)
    def is_owner(self, user: User) -> bool:
        membership = getattr(user, "membership", None)
        return bool(membership and membership.is_owner)


@admin.register(Membership)
class MembershipAdmin(AccountScopedAdmin):
    """Memberships are edited on the user's page; this list shows who is where."""

    form = MembershipForm
    list_display = ("user", "account", "company", "is_owner")
    list_select_related = ("user", "account", "company")
    list_filter = ("is_owner", "company")
    search_fields = ("user__username",)
    filter_horizontal = ("roles",)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "user"] if obj is not None else fields

    def has_add_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.is_superuser:
            queryset = queryset.filter(user__is_superuser=False)
        return queryset
