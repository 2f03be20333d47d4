"""The DokioStore WordPress plugin's protocol, version 3 (store-plugin-protocol.md)."""
