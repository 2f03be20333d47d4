from django.urls import path

from backroom.stores import views, views_held

app_name = "stores"

urlpatterns = [
    path("", views.store_list, name="list"),
    path("delete/", views.store_delete, name="delete"),
    path("restore/", views.store_restore, name="restore"),
    path("new/", views.store_new, name="new"),
    path("new/validate/", views.store_validate, name="validate_new"),
    path("new/company/", views.store_company_change, name="company_change"),
    path("pick/users/", views.pick_users, name="pick_users"),
    path("pick/customers/", views.pick_customers, name="pick_customers"),
    path("links/", views.bulk_links, name="bulk_links"),
    path("<int:store_id>/", views.store_detail, name="detail"),
    path("<int:store_id>/validate/", views.store_validate, name="validate"),
    path("<int:store_id>/key/", views.key_masked, name="key"),
    path("<int:store_id>/key/show/", views.key_show, name="key_show"),
    path("<int:store_id>/key/copy/", views.key_copy, name="key_copy"),
    path("<int:store_id>/key/generate/", views.key_generate, name="key_generate"),
    path("<int:store_id>/catalog/", views.store_catalog, name="catalog"),
    path("<int:store_id>/catalog/<str:kind>/", views.store_catalog_link, name="catalog_link"),
    path("<int:store_id>/held/", views_held.held_orders, name="held_orders"),
    path("<int:store_id>/held/retry/", views_held.held_orders_retry, name="held_orders_retry"),
    path(
        "<int:store_id>/held/discard/", views_held.held_orders_discard, name="held_orders_discard"
    ),
    path("<int:store_id>/translations/", views.translations, name="translations"),
    path(
        "<int:store_id>/translations/<str:kind>/",
        views.translations_edit,
        name="translations_edit",
    ),
]
