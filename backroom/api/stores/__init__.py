"""The online-store connections of the JSON API (/api/v1/stores)."""
