"""Mounted at /api/v1/ by backroom.urls."""

from django.urls import path, re_path

from backroom.api.errors import no_such_endpoint
from backroom.api.main import api

urlpatterns = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", no_such_endpoint),
]
