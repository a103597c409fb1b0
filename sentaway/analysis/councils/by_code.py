"""A council table's rows by ONS code, indexed once: the pages ask for one council's rows many times over."""

from functools import cached_property
from typing import Callable

import pandas as pd


class ByCode:
    """`table()`'s rows (a frame with a `code` column, oldest first within a code) by council code."""

    def __init__(self, table: Callable[[], pd.DataFrame]):
        self._table = table

    @cached_property
    def _frames(self) -> dict[str, pd.DataFrame]:
        return {code: rows.reset_index(drop=True) for code, rows in self._table().groupby("code", sort=False)}

    @cached_property
    def _dicts(self) -> dict[str, list[dict]]:
        found: dict[str, list[dict]] = {}
        for row in self._table().to_dict("records"):
            found.setdefault(row["code"], []).append(row)
        return found

    def council(self, code: str) -> pd.DataFrame:
        """The council's rows, oldest first (none where the files give it none)."""
        found = self._frames.get(code)
        return found if found is not None else self._table().iloc[0:0]

    def rows(self, code: str) -> list[dict]:
        """council(code) as plain rows (dicts), oldest first."""
        return self._dicts.get(code, [])
