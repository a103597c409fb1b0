"""What every extract shares: the geographic level a row is at, the raw file (and release) a row came from, and a
published cell read as a number or the symbol printed in its place."""

from dataclasses import dataclass

from sentaway.raw.suppression import parse_cell

LEVELS = {
    "national": "national", "country": "national",
    "regional": "regional", "region": "regional", "gor": "regional",
    "local authority": "local_authority", "la": "local_authority",
}
# ONS code prefixes, for rows whose level label is blank (one row of the SFR files).
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


def published(text: str, where: str) -> tuple[float | None, str]:
    """(number, status) of a published cell: a suppression symbol gives no number and its status, never 0."""
    return parse_cell(text, where)


def count(value: float | None, where: str) -> int | None:
    """A published count as a whole number; a fraction or a negative would be a reading error."""
    if value is None:
        return None
    if value != int(value):
        raise ValueError(f"{where}: expected a whole count, found {value}")
    if value < 0:
        raise ValueError(f"{where}: negative count {value}")
    return int(value)
