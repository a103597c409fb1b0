"""Presentation: charts, tables, claim pages, the register view, the home page, templates."""
