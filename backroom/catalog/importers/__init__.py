"""Importers that bring catalogs from other systems into Backroom.

Each importer reads a file in a foreign layout and writes through catalog.services, so the rules
of the catalog hold for imported data exactly as for data entered by hand.
"""
