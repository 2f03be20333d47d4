from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("backroom.api.urls")),
    path("stores/", include("backroom.stores.urls")),
    path("", include("backroom.web.urls")),
]
