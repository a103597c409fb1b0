"""The shape every extract shares: one published number (or its suppression symbol) per row."""

from dataclasses import dataclass, field

from sentaway.raw.suppression import parse_cell

LEVELS = {
    "national": "national", "country": "national",
    "regional": "regional", "region": "regional", "gor": "regional",
    "local authority": "local_authority", "la": "local_authority",
}
# ONS code prefixes, for rows whose level label is blank (one row in SFR50/2017).
CODE_LEVELS = {"E92": "national", "E12": "regional", "E13": "regional"}


def level_of(label: str, code: str, where: str) -> str:
    key = label.strip().lower()
    if key in LEVELS:
        return LEVELS[key]
    if not key and code[:3] in CODE_LEVELS:
        return CODE_LEVELS[code[:3]]
    if not key and code[:3] in ("E06", "E08", "E09", "E10"):
        return "local_authority"
    raise ValueError(f"{where}: unknown geographic level {label!r} (area code {code!r})")


@dataclass(frozen=True)
class Source:
    """One raw file and the release it belongs to."""

    file: str
    release: str
    publisher: str = "Department for Education"


class ParsedCell:
    """For row dataclasses with `raw_value` and `where`: the cell is read once into `value` and `status`
    (a suppression symbol gives no value and its status, never 0)."""

    def __post_init__(self):
        self.value, self.status = parse_cell(self.raw_value, self.where)


@dataclass
class Row(ParsedCell):
    year: int
    source: Source
    geographic_level: str
    area_code: str
    old_la_code: str
    area_name: str
    placement: str
    placement_label: str
    locality: str
    provider: str
    raw_value: str
    where: str
    value: float | None = field(init=False)
    status: str = field(init=False)


def format_count(value: float | None, where: str) -> str:
    """Counts are written as integers; a fractional count would be a reading error."""
    if value is None:
        return ""
    if value != int(value):
        raise ValueError(f"{where}: expected a whole count, found {value}")
    if value < 0:
        raise ValueError(f"{where}: negative count {value}")
    return str(int(value))
