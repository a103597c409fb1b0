"""The releases, as data: every folder of the raw manifest is a release of a kind, or another publisher's folder,
as releases.yml beside this module says; a folder it does not describe stops `make data`, naming the folder and the
entry to add. A release is what its folder says: its label, title and the last year it may hold come from the
folder's name and its kind, and which of its files holds each table is found by the kind's patterns.

The raw files do not carry their own publication dates: the EES data guidance files name the reporting year but no
date, and the SFR national tables workbook none. The dates are those the project records for each release (with where each
comes from), written to data/release_dates.csv so that code reads them from data/ like every other fact; the years
each release covers are those its extracted rows hold.
"""

import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from sentaway.raw.files import RawDataError, RawFiles

LIST = Path(__file__).with_name("releases.yml")
WHERE = "sentaway/extract/releases.yml"
ENTRY = ("release", "published", "title", "date_source", "relabel", "files")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ReleaseError(RawDataError):
    """releases.yml and the raw manifest disagree: the message names the folder and the entry to add."""


@dataclass(frozen=True)
class Table:
    """Which file of a release holds one table: a pattern inside the folder, for releases of the years given."""

    name: str
    pattern: str
    first: int = 0
    last: int = 9999

    def applies(self, year: int) -> bool:
        return self.first <= year <= self.last


@dataclass(frozen=True)
class Release:
    folder: str
    kind: str
    year: int                  # the last year the release may hold: its folder's name says it
    label: str                 # as the extracts' column `release` names it
    publisher: str
    title: str
    published: str
    date_source: str
    relabel: dict = field(default_factory=dict, hash=False)
    files: dict = field(default_factory=dict, hash=False)


def _text(value, where: str) -> str:
    if not isinstance(value, str):
        raise ReleaseError(f"{where}: {value!r} must be quoted text")
    return value


def _year(value, where: str) -> int:
    if not re.fullmatch(r"[0-9]{4}", _text(value, where)):
        raise ReleaseError(f"{where}: {value!r} is not a year")
    return int(value)


def _pattern(template: str) -> re.Pattern:
    """A kind's folder template (its name with {year}) -> a pattern matching such a folder at the start of a path,
    capturing the year."""
    head, _, tail = template.partition("{year}")
    return re.compile(re.escape(head) + r"(?P<year>[0-9]{4})" + re.escape(tail) + "(?=/)")


class Registry:
    """releases.yml, read once: the kinds, the releases, and the folders of other publishers."""

    def __init__(self, data: dict):
        self.kinds: dict[str, dict] = data["kinds"]
        self.sources: dict[str, str] = data.get("sources", {})
        self.tables: dict[str, dict[str, Table]] = {}
        for kind, spec in self.kinds.items():
            self.tables[kind] = {}
            for name, value in spec.get("tables", {}).items():
                where = f"{WHERE}, kinds: {kind}: tables: {name}"
                value = {"file": value} if isinstance(value, str) else value
                self.tables[kind][name] = Table(name, _text(value["file"], where),
                                                _year(value.get("from", "0000"), where),
                                                _year(value.get("until", "9999"), where))
        self.releases: list[Release] = []
        for folder, entry in (data.get("releases") or {}).items():
            self.releases.append(self._release(folder, entry or {}))
        self.releases.sort(key=lambda r: (r.kind, r.year))
        labels = [r.label for r in self.releases]
        if len(set(labels)) != len(labels):
            twice = sorted({label for label in labels if labels.count(label) > 1})
            raise ReleaseError(f"{WHERE}: release label(s) {', '.join(twice)} given to two folders")

    def kind_of(self, folder: str) -> tuple[str, int] | None:
        for kind, spec in self.kinds.items():
            match = _pattern(spec["folder"]).match(folder + "/")
            if match and match.end() == len(folder):
                return kind, int(match.group("year"))
        return None

    def _release(self, folder: str, entry: dict) -> Release:
        where = f"{WHERE}, releases: {folder}"
        unknown = set(entry) - set(ENTRY)
        if unknown:
            raise ReleaseError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; an entry may give "
                               f"{', '.join(ENTRY)}")
        found = self.kind_of(folder)
        if found is None:
            shapes = ", ".join(spec["folder"] for spec in self.kinds.values())
            raise ReleaseError(f"{where}: the folder's name is of no kind of release ({shapes})")
        kind, year = found
        spec = self.kinds[kind]

        def given(key: str) -> str:
            if key in entry:
                return _text(entry[key], f"{where}: {key}")
            if key in spec:
                return spec[key].format(year=year)
            raise ReleaseError(f"{where}: no {key} (its kind {kind} gives none): add {key}: \"...\"")

        published = given("published")
        if not DATE.fullmatch(published):
            raise ReleaseError(f"{where}: published {published!r} is not a date (YYYY-MM-DD)")
        relabel = {_text(k, f"{where}: relabel"): _text(v, f"{where}: relabel: {k}")
                   for k, v in (entry.get("relabel") or {}).items()}
        files = {_text(k, f"{where}: files"): _text(v, f"{where}: files: {k}") for k, v in (entry.get("files") or {}).items()}
        for table in files:
            if table not in self.tables[kind]:
                raise ReleaseError(f"{where}: files: {table!r} is no table of a {kind} release "
                                   f"({', '.join(self.tables[kind])})")
        return Release(folder, kind, year, given("release"), given("publisher"), given("title"), published,
                       given("date_source"), relabel, files)

    def of_kind(self, kind: str) -> list[Release]:
        return [r for r in self.releases if r.kind == kind]

    def release_of(self, path: str) -> Release | None:
        """The release whose folder holds `path`, if any."""
        return next((r for r in self.releases if path.startswith(r.folder + "/")), None)

    def last_year(self, path: str) -> tuple[int, str] | None:
        """The last year the file at `path` may hold, and why: its release's name says so."""
        release = self.release_of(path)
        if release is None:
            return None
        return release.year, (f"a file of {release.label} (folder {release.folder}), which holds years to "
                              f"{release.year} only; a newer release goes in a folder of its own with its entry in {WHERE}")

    def by_label(self, label: str) -> Release | None:
        return next((r for r in self.releases if r.label == label), None)

    def check_manifest(self, paths) -> None:
        """Every folder of the manifest is a release listed here or another publisher's folder named under `sources`;
        every release listed here has files in the manifest."""
        seen = set()
        for path in sorted(paths):
            release = self.release_of(path)
            if release is not None:
                seen.add(release.folder)
                continue
            top = path.split("/", 1)[0]
            if top in self.sources:
                continue
            folder = next((m.group(0) for spec in self.kinds.values()
                           for m in [_pattern(spec["folder"]).match(path)] if m), None)
            if folder is not None:
                kind, year = self.kind_of(folder)
                needs = {} if "release" in self.kinds[kind] else {"release": "<its label, e.g. SFRnn/YYYY>"}
                entry = ", ".join(f'{k}: "{v}"' for k, v in {**needs, "published": "<YYYY-MM-DD>"}.items())
                raise ReleaseError(f"{folder}: a new {kind} release in MANIFEST.csv (to {year}) that {WHERE} does not "
                                   f"list; add its date of first publication under releases: `{folder}: {{{entry}}}`")
            raise ReleaseError(f"{top}: a folder in MANIFEST.csv ({path}) that is no release {WHERE} lists and no "
                               f"source it names; add `{top}: \"<the extract that reads it>\"` under sources, or name "
                               f"it as a release ({', '.join(spec['folder'] for spec in self.kinds.values())})")
        for release in self.releases:
            if release.folder not in seen:
                raise ReleaseError(f"{WHERE}, releases: {release.folder}: no file of this folder in MANIFEST.csv")

    def files(self, raw: RawFiles, kind: str, table: str) -> list[tuple[Release, str]]:
        """(release, path) for every release of `kind` that has `table`, oldest first: the file its entry names, else
        the one file of its folder the kind's pattern matches (none or several stop, naming the entry to add)."""
        spec = self.tables[kind][table]
        found = []
        for release in self.of_kind(kind):
            if not spec.applies(release.year):
                continue
            if table in release.files:
                path = f"{release.folder}/{release.files[table]}"
            else:
                inside = sorted(p for p in raw.entries if p.startswith(release.folder + "/")
                                and fnmatch.fnmatchcase(p[len(release.folder) + 1:], spec.pattern))
                if len(inside) != 1:
                    shown = f"{len(inside)} files ({', '.join(inside)})" if inside else "no file"
                    raise ReleaseError(
                        f"{release.folder}: {shown} of MANIFEST.csv match{'es' if len(inside) <= 1 else ''} "
                        f"{spec.pattern!r}, the {table} table of the {kind} releases; name the file in its entry in "
                        f"{WHERE}: `{release.folder}: {{files: {{{table}: \"<path inside the folder>\"}}}}`")
                path = inside[0]
            found.append((release, path))
        return found


def _load_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark else ""
        raise ReleaseError(f"{WHERE}{where}: not valid YAML ({getattr(error, 'problem', error)})") from None
    if not isinstance(data, dict) or "kinds" not in data:
        raise ReleaseError(f"{WHERE}: expected kinds, releases and sources")
    return data


@lru_cache(maxsize=None)
def registry() -> Registry:
    return Registry(_load_yaml(LIST))


# ---------------------------------------------------------------- data/release_dates.csv

def dates_rows(row_type, years: dict[str, set[int]]) -> list:
    """One row per release: label, publisher, title, date, the years its rows hold (from `years`: label -> years),
    and where the date comes from. A release no extract took a year from stops: it was read for nothing."""
    rows = []
    for release in registry().releases:
        held = sorted(years.get(release.label, ()))
        if not held:
            raise ReleaseError(f"{WHERE}, releases: {release.folder}: no extract holds a year of {release.label}")
        span = str(held[0]) if held[0] == held[-1] else f"{held[0]}-{held[-1]}"
        rows.append(row_type(release=release.label, publisher=release.publisher, title=release.title,
                             published=release.published, years=span, date_source=release.date_source,
                             where=f"{WHERE}, releases: {release.folder}"))
    return rows


@dataclass(frozen=True)
class Held:
    """A release as the metadata's words name it: its label, the last year it may hold, and the years its rows hold."""

    label: str
    year: int
    first: int
    last: int

    @property
    def span(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    @property
    def with_span(self) -> str:
        """'year (first-last)': the year it is a release to, and the years it gives."""
        return f"{self.year} ({self.span})"


def facts(years: dict[str, set[int]]) -> dict[str, list[Held]]:
    """{kind: [release, oldest first]} for the metadata's words (sentaway/extract/catalogue.py)."""
    found = {}
    for kind in registry().kinds:
        found[kind] = [Held(r.label, r.year, min(years[r.label]), max(years[r.label]))
                       for r in registry().of_kind(kind) if years.get(r.label)]
    return found
