"""Adapters for the online stores' own protocols (woo_v3: the DokioStore plugin)."""
