"""Check each extract against its own schema in data/datapackage.json: types, allowed codes, keys,
no negative counts, and a value wherever no suppression symbol stands in for it."""

import csv
import io
import json
from pathlib import Path


class SchemaError(ValueError):
    pass


def _check_type(value: str, kind: str) -> float | None:
    if value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    return None


def validate_resource(resource: dict, text: str) -> int:
    """Raise SchemaError naming the file, line and column of the first problem; return the row count."""
    name = resource["path"]
    fields = resource["schema"]["fields"]
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    expected = [f["name"] for f in fields]
    if header != expected:
        raise SchemaError(f"{name}: columns {header} differ from the schema's {expected}")
    key = resource["schema"].get("primaryKey", [])
    seen = set()
    count = 0
    for line, row in enumerate(reader, start=2):
        count += 1
        for field in fields:
            value = row[field["name"]]
            where = f"{name}, line {line}, column {field['name']}"
            try:
                number = _check_type(value, field["type"])
            except ValueError:
                raise SchemaError(f"{where}: {value!r} is not of type {field['type']}") from None
            constraints = field.get("constraints", {})
            if "enum" in constraints and value not in constraints["enum"]:
                raise SchemaError(f"{where}: {value!r} is not one of {constraints['enum']}")
            if number is not None and "minimum" in constraints and number < constraints["minimum"]:
                raise SchemaError(f"{where}: {value} is below the minimum {constraints['minimum']}")
            if number is not None and field.get("unit") == "percent" and not -100 <= number <= 100:
                raise SchemaError(f"{where}: {value} is not a percentage")
        if "value" in row and "status" in row and (row["value"] == "") == (row["status"] == ""):
            raise SchemaError(f"{name}, line {line}: a value and a status must not both be present or both be empty")
        if key:
            identity = tuple(row[k] for k in key)
            if identity in seen:
                raise SchemaError(f"{name}, line {line}: key {dict(zip(key, identity))} repeated")
            seen.add(identity)
    return count


def validate_folder(folder: Path, texts: dict[str, str] | None = None) -> dict[str, int]:
    """Validate every resource of folder/datapackage.json (or of `texts`, name -> CSV text, if given)."""
    package = json.loads(((texts or {}).get("datapackage.json")) or (folder / "datapackage.json").read_text(encoding="utf-8"))
    counts = {}
    for resource in package["resources"]:
        text = (texts or {}).get(resource["path"]) or (folder / resource["path"]).read_text(encoding="utf-8")
        counts[resource["path"]] = validate_resource(resource, text)
    return counts
