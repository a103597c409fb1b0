"""What each extract holds, kept as data in metadata/: <extract>.yml describes one extract (title, description,
key, fields), package.yml the package; datapackage.json is built from them, data/README.md through README.md.j2.

In an extract's file a field given by a name alone is the shared one of metadata/fields.yml; a field's enum
given by a name instead of a list is a list the extract's code supplies (load's keyword arguments), so the
codes an extract writes are listed once, where it writes them. Field descriptions are Jinja templates:
`legend` is the suppression symbols and their meanings (sentaway/raw/suppression.yml)."""

import copy
import json
from functools import lru_cache
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, UndefinedError

from .. import __version__
from sentaway.raw.suppression import CODES

METADATA = Path(__file__).parent / "metadata"
_ENV = Environment(undefined=StrictUndefined, autoescape=False)
_README = Environment(loader=FileSystemLoader(METADATA), undefined=StrictUndefined, autoescape=False,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


class MetadataError(ValueError):
    pass


@lru_cache(maxsize=None)
def _read(name: str) -> dict:
    path = METADATA / f"{name}.yml"
    if not path.is_file():
        raise MetadataError(f"sentaway/extract/metadata/{name}.yml: missing")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load(name: str, **lists) -> dict:
    """The resource described by metadata/<name>.yml, its shared fields and named enums filled in. Every
    list supplied must be used, and every list named must be supplied (a misspelling stops, naming both)."""
    where = f"sentaway/extract/metadata/{name}.yml"
    spec = _read(name)
    lists = {"symbols": ["", *CODES], **lists}
    legend = "; ".join(f"{code} = {meaning}" for code, meaning in CODES.items())
    shared, used, fields = _read("fields"), {"symbols"}, []
    for field in spec["fields"]:
        if isinstance(field, str):
            if field not in shared:
                raise MetadataError(f"{where}: field {field!r} is not in sentaway/extract/metadata/fields.yml")
            field = shared[field]
        field = copy.deepcopy(field)
        enum = field.get("constraints", {}).get("enum")
        if isinstance(enum, str):
            if enum not in lists:
                raise MetadataError(f"{where}, field {field['name']}: its code supplies no list {enum!r}")
            field["constraints"]["enum"] = list(lists[enum])
            used.add(enum)
        if "description" in field:
            try:
                field["description"] = _ENV.from_string(field["description"]).render(legend=legend)
            except UndefinedError as error:
                raise MetadataError(f"{where}, field {field['name']}: {error.message}") from None
        fields.append(field)
    if set(lists) - used:
        raise MetadataError(f"{where}: no field uses the list(s) {', '.join(sorted(set(lists) - used))}")
    if spec["path"] != f"{spec['name']}.csv" or spec["name"] != name:
        raise MetadataError(f"{where}: expected name {name} and path {name}.csv")
    return {**spec, "fields": fields}


# Described here rather than by an extract module: placements.py (read first) and the two transcribed files.
RESOURCES = [load(name) for name in ("cla_placements", "transcribed_placement_location", "claim_sources")]


def resource(name: str) -> dict:
    return next(spec for spec in all_resources() if spec["name"] == name)


def EXTRACTORS() -> list:
    """The extract modules after placements: each has extract(raw), to_csv(rows) and RESOURCE."""
    # Here, not at the top: every extract module imports this one's load() to read its metadata.
    from . import context, distance, missing, national_notes, national_tables, providers, releases, spend

    return [missing, distance, providers, spend, context, national_tables, national_notes, releases]


def all_resources() -> list[dict]:
    return RESOURCES + [module.RESOURCE for module in EXTRACTORS()]


def datapackage(sources: dict[str, dict]) -> str:
    """datapackage.json text; `sources` maps each resource name to {raw file: manifest entry}."""
    meta = _read("package")
    package = {"profile": "tabular-data-package", "name": meta["name"], "title": meta["title"],
               "version": __version__, "licenses": meta["licenses"], "resources": []}
    for spec in all_resources():
        resource = {key: spec[key] for key in ("name", "path", "title", "description")}
        resource.update({
            "profile": "tabular-data-resource", "format": "csv", "encoding": "utf-8", "licenses": meta["licenses"],
            "schema": {"fields": spec["fields"], "primaryKey": spec["primaryKey"],
                       "missingValues": [""]},
            "sources": [
                {"title": path, "path": entry["origin"], "sha256": entry["sha256"], "release": entry["release"]}
                for path, entry in sorted(sources[spec["name"]].items())
            ],
        })
        package["resources"].append(resource)
    return json.dumps(package, indent=2, ensure_ascii=False) + "\n"


def readme(sources: dict[str, dict], skipped: list[tuple[str, str]]) -> str:
    """data/README.md (metadata/README.md.j2); `skipped`: (column code, year) of columns the metadata leaves undefined."""
    template = _README.get_template("README.md.j2")
    return template.render(licenses=_read("package")["licenses"], codes=CODES, resources=all_resources(),
                           sources=sources, skipped=skipped)
