"""What the data hold, as the book's words name it: the releases of each kind and the years they give, read from
data/release_dates.csv, so that no sentence names a release or a span of years by hand. Every words file may use
them as `data` ({{ data.ees_years }}: the years the EES releases are to, "a, b and c"); a notebook's prose has them as
MyST substitutions ({{ ees_years }}, sentaway/publish/sphinx_ext.py)."""

import csv
from dataclasses import dataclass
from functools import cached_property, lru_cache

from sentaway.paths import data_file


def kind(release: str) -> str:
    """The kind of a release, from its label: the explore-education-statistics releases ('CLA YYYY (EES)') or the
    statistical first releases ('SFRnn/YYYY'); anything else is a kind of its own."""
    text = str(release or "")
    if text.endswith("(EES)"):
        return "EES"
    if text.startswith("SFR"):
        return "SFR"
    return text


def span(years) -> str:
    """The first and last of some years, as a span ('first-last'); one year alone."""
    years = sorted(int(y) for y in years)
    return str(years[0]) if years[0] == years[-1] else f"{years[0]}-{years[-1]}"


def listed(items) -> str:
    """['a', 'b', 'c'] -> 'a, b and c'."""
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class Release:
    label: str
    first: int   # the first year its rows hold
    last: int    # the last year: the year it is a release to


@lru_cache(maxsize=None)
def _release_years() -> tuple[tuple[str, str], ...]:
    """(release, years) of each row of data/release_dates.csv. Read with the csv module, not pandas: the HTML step
    reads these facts too (the MyST substitutions), and need not load pandas for a dozen rows."""
    path = data_file("release_dates.csv")
    if not path.is_file():
        raise FileNotFoundError(f"{path}: extract missing; run `make data` with the raw files beside the repo")
    with open(path, newline="", encoding="utf-8") as handle:
        return tuple((row["release"], row["years"]) for row in csv.DictReader(handle))


class Coverage:
    """The releases in data/release_dates.csv, read when first asked (so the read is noted for the asking page)."""

    @cached_property
    def releases(self) -> list[Release]:
        found = []
        for release, years in _release_years():
            years = years.split("-")
            found.append(Release(release, int(years[0]), int(years[-1])))
        return sorted(found, key=lambda r: (r.last, r.label))

    def of(self, name: str) -> list[Release]:
        return [r for r in self.releases if kind(r.label) == name]

    @property
    def ees_years(self) -> str:
        """The years the explore-education-statistics releases are to, as a list ('a, b and c')."""
        return listed(r.last for r in self.of("EES"))

    @property
    def ees_range(self) -> str:
        """The same as a range ('first-last')."""
        return span(r.last for r in self.of("EES"))

    @property
    def ees_span(self) -> str:
        """The years those releases give, as a range."""
        ees = self.of("EES")
        return span([min(r.first for r in ees), max(r.last for r in ees)])

    @property
    def last_year(self) -> int:
        """The latest year any release gives."""
        return max(r.last for r in self.releases)

    def facts(self) -> dict:
        """The same, to glue into a notebook's prose."""
        return {"ees_years": self.ees_years, "ees_range": self.ees_range, "ees_span": self.ees_span,
                "last_year": str(self.last_year)}


def data() -> Coverage:
    return Coverage()


def facts() -> dict:
    return data().facts()
