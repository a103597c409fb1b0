"""The councils the files hold: one per ONS code that a release gives looked-after children for
(data/cla_council_placements.csv, council rows). A code is a council's identity and its page's address, so a series
never runs across two codes: a council whose code changed (a reorganisation, or a boundary change) has a page per code,
each with the years the files give that code, and the change between them is said, from data/council_changes.csv.

The years a code covers are those a release gives it a row other than 'z' (DfE's 'not applicable', which the releases
print for a code in the years it did not exist). Its region is DfE's (data/la_context.csv, the nine regions, London as
one), matched on its code or, for a code only the SFR files use, on its DfE number."""

from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd

from sentaway.analysis.councils import names
from sentaway.read import councils as council_files
from sentaway.read import extracts

PAGE_PREFIX = "council-"


class CouncilsError(ValueError):
    pass


@dataclass(frozen=True)
class Council:
    code: str                   # ONS code, as the files print it
    dfe: str                    # DfE's three-digit number
    name: str                   # as the latest release naming the code prints it
    page: str                   # the page's name (its address without .html): council-<code>-<first name, as a slug>
    region_code: str            # E12, London as one (E12000007)
    region: str
    years: tuple[int, ...]      # the years a release gives this code (not 'z')
    before: tuple = field(default=(), hash=False)   # data/council_changes.csv rows whose after_code is this code
    after: tuple = field(default=(), hash=False)    # ... whose before_code is this code

    @property
    def first(self) -> int:
        return self.years[0]

    @property
    def last(self) -> int:
        return self.years[-1]

    @property
    def related(self) -> list[str]:
        """The codes this one replaced or was replaced by, oldest change first."""
        return [c.before_code for c in self.before] + [c.after_code for c in self.after]


def page_name(code: str, first_name: str) -> str:
    """A council page's name: its code and the name the files first gave that code, so the address stays when a
    later release prints the name otherwise."""
    return f"{PAGE_PREFIX}{code}-{names.slug(first_name)}"


def _release_order() -> dict[str, str]:
    """Each release's publication date (data/release_dates.csv), to order the releases that give the same year."""
    dates = extracts.release_dates()
    return dict(zip(dates.release, dates.published))


@lru_cache(maxsize=None)
def council_rows() -> pd.DataFrame:
    """The council rows of data/cla_council_placements.csv, each with its release's publication date (`published`)."""
    rows = extracts.council_placements()
    rows = rows[rows.geographic_level == "local_authority"].copy()
    rows["published"] = rows.release.map(_release_order())
    if rows.published.isna().any():
        missing = sorted(set(rows.release[rows.published.isna()]))
        raise CouncilsError(f"data/release_dates.csv: no publication date for {', '.join(missing)}")
    return rows


def _regions(table: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """code -> (region code, region name) from data/la_context.csv: on the code, else on the DfE number where it names
    one region."""
    context = extracts.la_context()
    by_code = {r.new_la_code: (r.region9_code, r.region9_name) for r in context.itertuples()}
    by_dfe: dict[str, set] = {}
    for r in context.itertuples():
        by_dfe.setdefault(r.old_la_code, set()).add((r.region9_code, r.region9_name))
    found = {}
    for code, dfe in table[["area_code", "old_la_code"]].drop_duplicates().itertuples(index=False):
        if code in by_code:
            found[code] = by_code[code]
        elif len(by_dfe.get(dfe, ())) == 1:
            found[code] = next(iter(by_dfe[dfe]))
        else:
            raise CouncilsError(f"data/la_context.csv: no region for council {code} (DfE number {dfe})")
    return found


@lru_cache(maxsize=None)
def councils() -> tuple[Council, ...]:
    """Every council the files give looked-after children for, by code, with the code changes it was part of."""
    rows = council_rows()
    given = rows[rows.status != "z"]
    regions = _regions(given)
    numbers = given.groupby("area_code").old_la_code.unique()
    twice = numbers[numbers.map(len) > 1]
    if len(twice):
        raise CouncilsError(f"data/cla_council_placements.csv: council {twice.index[0]} has DfE numbers "
                            f"{', '.join(twice.iloc[0])}")
    first_names = given.sort_values(["year", "published"]).drop_duplicates("area_code").set_index("area_code").area_name
    names = given.sort_values(["published", "year"]).drop_duplicates("area_code", keep="last") \
        .set_index("area_code").area_name
    years = given.groupby("area_code").year.unique()
    found = [Council(code=code, dfe=numbers[code][0], name=names[code], page=page_name(code, first_names[code]),
                     region_code=regions[code][0], region=regions[code][1],
                     years=tuple(sorted(int(y) for y in years[code])))
             for code in sorted(numbers.index)]
    changes = _changes(found)
    return tuple(replace(c, before=tuple(ch for ch in changes if ch.after_code == c.code),
                         after=tuple(ch for ch in changes if ch.before_code == c.code)) for c in found)


def _changes(found: list[Council]) -> list[council_files.Change]:
    """The code changes of data/council_changes.csv, each of whose codes must be a council of the files; and where the
    files give one DfE number two codes that file does not link (a new release recoding a council), a change the
    files show but no record explains (area 'unrecorded'), so the page still shows two series and says why it can."""
    codes = {c.code: c for c in found}
    recorded = list(council_files.changes())
    for change in recorded:
        for code in (change.before_code, change.after_code):
            if code not in codes:
                raise CouncilsError(f"data/council_changes.csv: {code} ({change.date}) is no council of "
                                    "data/cla_council_placements.csv")
    linked = {(c.before_code, c.after_code) for c in recorded}
    by_dfe: dict[str, list[Council]] = {}
    for council in found:
        by_dfe.setdefault(council.dfe, []).append(council)
    for same in by_dfe.values():
        same = sorted(same, key=lambda c: (c.first, c.last))
        for old, new in zip(same, same[1:]):
            if (old.code, new.code) not in linked:
                recorded.append(council_files.Change(date="", before_code=old.code, before_name=old.name,
                                                     after_code=new.code, after_name=new.name, area="unrecorded",
                                                     what="", source="", url="", url_title=""))
    return recorded


@lru_cache(maxsize=None)
def by_code() -> dict[str, Council]:
    return {c.code: c for c in councils()}


def lineage(council: Council) -> list[Council]:
    """The council and the councils its code replaced or was replaced by, oldest first: the series its page shows side
    by side, never joined."""
    table = by_code()
    return sorted({table[c] for c in [council.code, *council.related]}, key=lambda c: (c.first, c.last, c.code))


def covered_in(year: int) -> dict[str, Council]:
    """The councils a release gives for `year` (not 'z'), by code, in the first release that gives the year: the codes
    councils had when the year was first published."""
    rows = council_rows()
    rows = rows[(rows.year == year) & (rows.status != "z")]
    if rows.empty:
        return {}
    first = rows[rows.published == rows.published.min()]
    table = by_code()
    return {code: table[code] for code in sorted(set(first.area_code))}
