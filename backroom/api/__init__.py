"""Backroom's own JSON API (django-ninja), mounted at /api/v1/: thin routers that parse with
input schemas, call one service or selector, and format with output schemas."""
