"""Sent Away: checking the figures cited about children placed out of area in English children's homes.

The package holds every piece of logic the book uses; notebooks call it and explain it.
"""

__version__ = "0.2.1.dev0"

from .paths import watch_reads as _watch_reads  # noqa: E402

_watch_reads()  # only in a run `make book` started: the repository files it reads join its cache key
