"""Admin for the catalog: price types, images, categories, attributes and terms, products with
their prices, attributes, images, translations and variations.

The admin saves rows through its own forms, not through catalog.services; what its forms change
is told to catalog.services.note_catalog_change, so online stores see admin edits exactly as
they see the same edits made elsewhere.
"""

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Prefetch
from django.utils.html import format_html_join

from backroom.catalog.models import (
    Attribute,
    AttributeTranslation,
    Category,
    CategoryTranslation,
    DefaultAttribute,
    Image,
    PriceType,
    Product,
    ProductAttribute,
    ProductImage,
    ProductPrice,
    ProductTranslation,
    Term,
    TermTranslation,
    Translation,
    VariationAttribute,
)
from backroom.catalog.selectors import translation_fields
from backroom.catalog.services import (
    CREATED,
    DELETED,
    PRICES,
    VARIATIONS,
    CatalogChange,
    note_catalog_change,
)
from backroom.core.admin import AccountScopedAdmin, ScopedModelForm, ScopedTabularInline
from backroom.core.numbers import quantize_money
from backroom.stores.sync import forget_uncarried


class CatalogAdmin(AccountScopedAdmin):
    """An admin of catalog items whose saves and deletions mark what they change for the online
    stores (catalog.services.note_catalog_change), once per save, after every form and inline
    is written."""

    def save_related(self, request, form, formsets, change):
        # A term deleted here takes with it the products' and variations' use of it: note it
        # while those rows are still there.
        doomed = [
            CatalogChange(each.instance, frozenset({DELETED}))
            for formset in formsets
            if formset.model is Term
            for each in formset.deleted_forms
            if each.instance.pk is not None
        ]
        note_catalog_change(changes=doomed)
        super().save_related(request, form, formsets, change)
        changes = _form_changes(form, change)
        for formset in formsets:
            changes += _formset_changes(formset, form.instance)
        note_catalog_change(changes=changes)
        if doomed:
            forget_uncarried(company_id=_company_id(form.instance))

    def delete_model(self, request, obj):
        with transaction.atomic():
            note_catalog_change(changes=[CatalogChange(obj, frozenset({DELETED}))])
            company_id = _company_id(obj)
            super().delete_model(request, obj)
            forget_uncarried(company_id=company_id)

    def delete_queryset(self, request, queryset):
        """The "delete selected" action: each row noted as deleted, one company at a time."""
        by_company: dict[int, list[CatalogChange]] = {}
        for obj in queryset:
            change = CatalogChange(obj, frozenset({DELETED}))
            by_company.setdefault(_company_id(obj), []).append(change)
        with transaction.atomic():
            for changes in by_company.values():
                note_catalog_change(changes=changes)
            super().delete_queryset(request, queryset)
            for company_id in by_company:
                forget_uncarried(company_id=company_id)


def _company_id(item: Model) -> int:
    return item.attribute.company_id if isinstance(item, Term) else item.company_id


def _form_changes(form, change: bool) -> list[CatalogChange]:
    """What the item's own form changed; a variation moved to another parent changes the
    parent it left, too."""
    item = form.instance
    if not change:
        return [CatalogChange(item, frozenset({CREATED}))]
    fields = frozenset(form.changed_data)
    moved = _ids(form.initial.get("categories")) ^ _ids(form.cleaned_data.get("categories"))
    changes = [CatalogChange(item, fields, category_ids=frozenset(moved))]
    left = form.initial.get("parent")
    if isinstance(item, Product) and "parent" in fields and left is not None:
        changes += [
            CatalogChange(parent, frozenset({VARIATIONS}))
            for parent in Product.objects.filter(pk=left)
        ]
    return changes


def _formset_changes(formset, parent: Model) -> list[CatalogChange]:
    """What an inline changed, as changes of the item the page edits (or, for the terms of an
    attribute, of each term; deleted terms were noted before they went)."""
    initial = {each.instance.pk: each.initial for each in formset.initial_forms}
    rows = [(row, {CREATED}, {}) for row in formset.new_objects]
    rows += [(row, set(names), initial.get(row.pk, {})) for row, names in formset.changed_objects]
    rows += [(row, {DELETED}, {}) for row in formset.deleted_objects]
    model = formset.model
    changes = []
    for row, fields, before in rows:
        if issubclass(model, Translation):
            changes += _translation_changes(parent, row, fields, before)
        elif model is ProductPrice:
            types = frozenset({row.price_type_id, before.get("price_type")} - {None})
            changes.append(CatalogChange(parent, frozenset({PRICES}), price_type_ids=types))
        elif model is Term:
            if DELETED not in fields:
                changes.append(CatalogChange(row, frozenset(fields)))
        else:
            relation = formset.fk.remote_field.related_name
            changes.append(CatalogChange(parent, frozenset({relation})))
    return changes


def _translation_changes(item: Model, row, fields: set[str], before) -> list[CatalogChange]:
    """A translation row made, changed, deleted or moved to another language: the texts it
    changes, in each language it leaves or joins."""
    _, _, texts = translation_fields(item)
    if fields & {CREATED, DELETED, "language"}:
        fields = {name for name in texts if getattr(row, name)}
    languages = {row.language, before.get("language")} - {None}
    return [
        CatalogChange(item, frozenset(fields), language=language.upper()) for language in languages
    ]


def _ids(value) -> set[int]:
    """Ids of a many-to-many value as a form holds it (instances, ids, a queryset, or None)."""
    return {getattr(each, "pk", each) for each in value or ()}


@admin.register(PriceType)
class PriceTypeAdmin(AccountScopedAdmin):
    document = "price_types"
    list_display = ("name", "company", "description")
    list_select_related = ("company",)
    list_filter = ("company",)
    search_fields = ("name", "description")


@admin.register(Image)
class ImageAdmin(CatalogAdmin):
    document = "catalog"
    list_display = ("__str__", "company", "source_url", "alt")
    list_select_related = ("company",)
    list_filter = ("company",)
    search_fields = ("original_name", "source_url", "alt")


# -- categories -------------------------------------------------------------------------------


class CategoryTranslationInline(ScopedTabularInline):
    model = CategoryTranslation
    fields = ("language", "name", "slug", "description")


class CategoryForm(ScopedModelForm):
    def clean_parent(self):
        """A category cannot sit under itself or under one of its own subcategories."""
        parent = self.cleaned_data.get("parent")
        if parent is not None and self.instance.pk is not None:
            ancestor, seen = parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.instance.pk:
                    raise ValidationError("A category cannot be placed under itself.", code="cycle")
                seen.add(ancestor.pk)
                ancestor = ancestor.parent
        return parent


@admin.register(Category)
class CategoryAdmin(CatalogAdmin):
    document = "catalog"
    form = CategoryForm
    inlines = (CategoryTranslationInline,)
    list_display = (
        "name",
        "parent",
        "slug",
        "company",
        "display",
        "menu_order",
        "is_store_category",
    )
    list_select_related = ("parent", "company")
    list_filter = ("company", "display", "is_store_category")
    search_fields = ("name", "slug")
    autocomplete_fields = ("parent",)


# -- attributes and terms ---------------------------------------------------------------------


class TermInline(ScopedTabularInline):
    model = Term
    fields = ("name", "slug", "description", "menu_order")
    show_change_link = True


class AttributeTranslationInline(ScopedTabularInline):
    model = AttributeTranslation
    fields = ("language", "name", "slug")


@admin.register(Attribute)
class AttributeAdmin(CatalogAdmin):
    document = "catalog"
    inlines = (TermInline, AttributeTranslationInline)
    list_display = ("name", "slug", "type", "order_by", "has_archives", "menu_order", "company")
    list_select_related = ("company",)
    list_filter = ("company", "order_by", "has_archives")
    search_fields = ("name", "slug")


class TermTranslationInline(ScopedTabularInline):
    model = TermTranslation
    fields = ("language", "name", "slug", "description")


@admin.register(Term)
class TermAdmin(CatalogAdmin):
    document = "catalog"
    inlines = (TermTranslationInline,)
    list_display = ("name", "attribute", "slug", "menu_order")
    list_select_related = ("attribute",)
    list_filter = ("attribute",)
    search_fields = ("name", "slug", "attribute__name")


# -- products ---------------------------------------------------------------------------------


class TermOfAttributeForm(ScopedModelForm):
    """A row that names an attribute and one term (or, with `terms`, several) of it: the terms
    must be that attribute's."""

    def clean(self):
        cleaned = super().clean()
        attribute = cleaned.get("attribute")
        if attribute is None:
            return cleaned
        term = cleaned.get("term")
        if term is not None and term.attribute_id != attribute.pk:
            self.add_error("term", "Choose a term of the chosen attribute.")
        terms = cleaned.get("terms")
        if terms is not None and terms.exclude(attribute=attribute).exists():
            self.add_error("terms", "Choose terms of the chosen attribute.")
        return cleaned


class ProductPriceInline(ScopedTabularInline):
    model = ProductPrice
    fields = ("price_type", "value")


class ProductAttributeInline(ScopedTabularInline):
    model = ProductAttribute
    form = TermOfAttributeForm
    fields = ("attribute", "position", "visible", "used_for_variations", "terms")
    autocomplete_fields = ("terms",)


class DefaultAttributeInline(ScopedTabularInline):
    model = DefaultAttribute
    form = TermOfAttributeForm
    fields = ("attribute", "term")
    verbose_name_plural = "default attributes (what the store's form starts with)"


class VariationAttributeInline(ScopedTabularInline):
    model = VariationAttribute
    form = TermOfAttributeForm
    fk_name = "variation"
    fields = ("attribute", "term")
    verbose_name_plural = "variation attributes (no term = any)"


class ProductImageInline(ScopedTabularInline):
    model = ProductImage
    fields = ("image", "position")
    autocomplete_fields = ("image",)


class ProductTranslationInline(ScopedTabularInline):
    model = ProductTranslation
    fields = (
        "language",
        "name",
        "slug",
        "description",
        "description_html",
        "short_description",
        "short_description_html",
    )


class VariationInline(ScopedTabularInline):
    """A variable product's variations, to open each one; they are edited on their own page."""

    model = Product
    fk_name = "parent"
    fields = ("sku", "name", "stock_status", "published")
    readonly_fields = fields
    show_change_link = True
    verbose_name = "variation"
    verbose_name_plural = "variations"

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(CatalogAdmin):
    document = "catalog"
    list_display = (
        "name",
        "sku",
        "type",
        "parent",
        "company",
        "stock_status",
        "published",
        "price_list",
    )
    list_select_related = ("company", "parent")
    list_filter = ("type", "stock_status", "published", "is_deleted", "company")
    search_fields = ("name", "sku")
    autocomplete_fields = ("parent", "categories", "upsells", "cross_sells")
    readonly_fields = ("created_at", "changed_at")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "company",
                    "type",
                    "parent",
                    "sku",
                    "name",
                    "slug",
                    "published",
                    "is_deleted",
                )
            },
        ),
        (
            "Descriptions",
            {
                "fields": (
                    "description_format",
                    "description",
                    "description_html",
                    "short_description_format",
                    "short_description",
                    "short_description_html",
                    "purchase_note",
                )
            },
        ),
        (
            "Stock and sale",
            {
                "fields": (
                    "stock_status",
                    "manage_stock",
                    "backorders",
                    "sold_individually",
                    "reviews_allowed",
                    "menu_order",
                )
            },
        ),
        ("Links", {"fields": ("categories", "upsells", "cross_sells")}),
        ("Dates", {"fields": ("created_at", "changed_at")}),
    )

    def get_inlines(self, request, obj):
        inlines = [ProductPriceInline]
        if obj is None or obj.type != Product.Type.VARIATION:
            inlines.append(ProductAttributeInline)
        if obj is not None and obj.type == Product.Type.VARIABLE:
            inlines += [DefaultAttributeInline, VariationInline]
        if obj is not None and obj.type == Product.Type.VARIATION:
            inlines.append(VariationAttributeInline)
        return [*inlines, ProductImageInline, ProductTranslationInline]

    def get_queryset(self, request):
        prices = ProductPrice.objects.select_related("price_type").order_by("price_type__name")
        return super().get_queryset(request).prefetch_related(Prefetch("prices", queryset=prices))

    def get_search_results(self, request, queryset, search_term):
        """The parent select of a variation (an autocomplete) offers variable products only."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "product" and request.GET.get("field_name") == "parent":
            queryset = queryset.filter(type=Product.Type.VARIABLE)
        return queryset, may_have_duplicates

    def limit_choices(self, request, db_field, queryset):
        queryset = super().limit_choices(request, db_field, queryset)
        if db_field.name == "parent":
            queryset = queryset.filter(type=Product.Type.VARIABLE)
        return queryset

    @admin.display(description="prices")
    def price_list(self, product: Product) -> str:
        return format_html_join(
            ", ",
            "{}: {}",
            (
                (price.price_type.name, quantize_money(Decimal(price.value)))
                for price in product.prices.all()
            ),
        )
