"""Extraction: the only code that reads ../shared/raw. It writes the tidy extracts in data/."""
