"""What each extract holds, kept as data in metadata/: <extract>.yml describes one extract (title, description,
key, fields; read by shapes.py), package.yml the package and the order of its extracts; datapackage.json is built
from them, data/README.md through README.md.j2. The catalogue loads metadata only: no extractor is imported here.

Titles and descriptions are Jinja templates, so they say the years the data hold rather than years typed in:
`years` is the span of the extract's own years ("first-last"); `ees` and `sfr` the releases of each kind, oldest
first, each with `label`, `year` (the last year it may hold), `span` (the years its rows hold) and `with_span` (both:
"year (first-last)"); `ees_years` the years the EES releases are to ("a, b and c"), `ees_span` the years they give,
`last_year` the latest year of any release; the filter `and_list` joins a list as "a, b and c"; `legend` is the
suppression symbols and their meanings (sentaway/raw/suppression.yml).
"""

import copy
import json

from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError

from .. import __version__
from sentaway.raw.suppression import CODES
from . import shapes

METADATA = shapes.METADATA


def and_list(items) -> str:
    items = [str(item) for item in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


_ENV = Environment(undefined=StrictUndefined, autoescape=False)
_ENV.filters["and_list"] = and_list
_README = Environment(loader=FileSystemLoader(METADATA), undefined=StrictUndefined, autoescape=False,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def names() -> list[str]:
    """Every extract, in the order of datapackage.json."""
    return shapes.read("package")["resources"]


def _releases(kinds: dict) -> dict:
    """The releases of each kind, and the phrases the descriptions make of the EES ones."""
    ees = kinds.get("ees", [])
    held = [r for kind in kinds.values() for r in kind]
    found = dict(kinds)
    if ees:
        first, last = min(r.first for r in ees), max(r.last for r in ees)
        found.update(ees_years=and_list(r.year for r in ees), ees_span=f"{first}-{last}")
    if held:
        found["last_year"] = max(r.last for r in held)
    return found


def _render(text: str, where: str, context: dict) -> str:
    try:
        return _ENV.from_string(text).render(**context)
    except UndefinedError as error:
        raise shapes.MetadataError(f"{where}: {error.message}") from None


def resource(name: str, facts: dict | None = None) -> dict:
    """The extract's resource: its shape, with title and descriptions rendered from `facts` (years and releases,
    from the extraction; without them, only what needs none)."""
    spec = copy.deepcopy(shapes.spec(name))
    facts = facts or {}
    context = {"legend": "; ".join(f"{code} = {meaning}" for code, meaning in CODES.items()),
               "years": facts.get("years", {}).get(name, ""), **_releases(facts.get("releases", {}))}
    where = shapes.where(name)
    for key in ("title", "description"):
        spec[key] = _render(spec[key], f"{where}, {key}", context)
    for field in spec["fields"]:
        for key in shapes.UNPUBLISHED:
            field.pop(key, None)
        if "description" in field:
            field["description"] = _render(field["description"], f"{where}, field {field['name']}", context)
    return spec


def all_resources(facts: dict | None = None) -> list[dict]:
    return [resource(name, facts) for name in names()]


def datapackage(sources: dict[str, dict], facts: dict) -> str:
    """datapackage.json text; `sources` maps each resource name to {raw file: manifest entry}."""
    meta = shapes.read("package")
    package = {"profile": "tabular-data-package", "name": meta["name"], "title": meta["title"],
               "version": __version__, "licenses": meta["licenses"], "resources": []}
    for spec in all_resources(facts):
        entry = {key: spec[key] for key in ("name", "path", "title", "description")}
        entry.update({
            "profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8", "licenses": meta["licenses"],
            "schema": {"fields": spec["fields"], "primaryKey": spec["primaryKey"],
                       "missingValues": [""]},
            "sources": [
                {"title": path, "path": found["origin"], "sha256": found["sha256"], "release": found["release"]}
                for path, found in sorted(sources[spec["name"]].items())
            ],
        })
        package["resources"].append(entry)
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def readme(sources: dict[str, dict], skipped: list[tuple[str, str]], facts: dict) -> str:
    """data/README.md (metadata/README.md.j2); `skipped`: (column code, year) of columns the metadata leaves undefined."""
    template = _README.get_template("README.md.j2")
    return template.render(licenses=shapes.read("package")["licenses"], codes=CODES, resources=all_resources(facts),
                           sources=sources, skipped=skipped)
