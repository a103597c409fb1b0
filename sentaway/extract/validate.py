"""Check each extract against its own schema in data/datapackage.json, and data/claims.csv against
data/claims.schema.json: types (read strictly: no decimal comma, no 'nan', no exponent), allowed codes,
patterns, keys, no negative counts, a value wherever no suppression symbol stands in for it, and for
every claim a cited value that is a finite number in its unit. The first problem stops with file, line,
column and value."""

import csv
import io
import json
import math
import re
from pathlib import Path


class SchemaError(ValueError):
    pass


INTEGER = re.compile(r"-?[0-9]+")
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _check_type(value: str, kind: str) -> float | None:
    if value == "":
        return None
    if kind == "integer":
        if not INTEGER.fullmatch(value):
            raise ValueError(value)
        return int(value)
    if kind == "number":
        if not NUMBER.fullmatch(value):
            raise ValueError(value)
        return float(value)
    return None


def _header(name: str, text: str, expected: list[str]) -> csv.DictReader:
    if text.startswith("\ufeff"):
        raise SchemaError(f"{name}, line 1: a byte-order mark before the header; save as UTF-8 without BOM")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise SchemaError(f"{name}, line 1: column {repeated[0]!r} repeated")
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = (f"missing {', '.join(missing)}" if missing else "") + ("; " if missing and extra else "") + \
                 (f"unexpected {', '.join(extra)}" if extra else "") or "in another order"
        raise SchemaError(f"{name}, line 1: columns differ from the schema ({detail}); the schema has {', '.join(expected)}")
    return reader


def validate_resource(resource: dict, text: str) -> int:
    """Raise SchemaError naming the file, line and column of the first problem; return the row count."""
    name = resource["path"]
    fields = resource["schema"]["fields"]
    reader = _header(name, text, [f["name"] for f in fields])
    key = resource["schema"].get("primaryKey", [])
    seen = {}
    count = 0
    for line, row in enumerate(reader, start=2):
        count += 1
        if None in row or any(v is None for v in row.values()):
            raise SchemaError(f"{name}, line {line}: {len(row.get(None) or [])} field(s) more or fewer than the header")
        for field in fields:
            value = row[field["name"]]
            where = f"{name}, line {line}, column {field['name']}"
            try:
                number = _check_type(value, field["type"])
            except ValueError:
                raise SchemaError(f"{where}: {value!r} is not of type {field['type']}") from None
            constraints = field.get("constraints", {})
            if constraints.get("required") and value.strip() == "":
                raise SchemaError(f"{where}: empty, and a value is required")
            if "enum" in constraints and value not in constraints["enum"]:
                raise SchemaError(f"{where}: {value!r} is not one of {constraints['enum']}")
            if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
                raise SchemaError(f"{where}: {value!r} does not have the form {constraints['pattern']}")
            if number is not None and "minimum" in constraints and number < constraints["minimum"]:
                raise SchemaError(f"{where}: {value} is below the minimum {constraints['minimum']}")
            if number is not None and field.get("unit") == "percent" and not -100 <= number <= 100:
                raise SchemaError(f"{where}: {value} is not a percentage")
        if "value" in row and "status" in row and (row["value"] == "") == (row["status"] == ""):
            raise SchemaError(f"{name}, line {line}: a value and a status must not both be present or both be empty")
        if key:
            identity = tuple(row[k] for k in key)
            if identity in seen:
                raise SchemaError(f"{name}, line {line}: key {dict(zip(key, identity))} repeated (first on line {seen[identity]})")
            seen[identity] = line
    return count


def validate_folder(folder: Path, texts: dict[str, str] | None = None) -> dict[str, int]:
    """Validate every resource of folder/datapackage.json (or of `texts`, name -> CSV text, if given).
    Messages name each file as <folder name>/<file> (data/cla_missing.csv)."""
    texts = texts or {}
    package_text = texts.get("datapackage.json") or _read(folder / "datapackage.json")
    try:
        package = json.loads(package_text)
    except json.JSONDecodeError as error:
        raise SchemaError(f"{folder.name}/datapackage.json, line {error.lineno}: not valid JSON ({error.msg})") from None
    counts = {}
    for resource in package["resources"]:
        text = texts.get(resource["path"]) or _read(folder / resource["path"])
        counts[resource["path"]] = validate_resource({**resource, "path": f"{folder.name}/{resource['path']}"}, text)
    return counts


def _read(path: Path) -> str:
    if not path.is_file():
        raise SchemaError(f"{path.parent.name}/{path.name}: missing; run `make data` (claims.csv is written by hand)")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SchemaError(f"{path.parent.name}/{path.name}: not UTF-8 (byte {error.start})") from None


# What a cited value may be, by unit (and quantity): the claim is refused, by its id, when it is not.
def _cited_problem(value: float, unit: str, quantity: str) -> str:
    if unit in ("children", "incidents", "reports") and (value < 0 or value != int(value)):
        return f"not a whole, non-negative number of {unit}"
    if unit == "percent" and quantity == "share" and not 0 <= value <= 100:
        return "not a share from 0 to 100 per cent"
    if unit == "percent" and quantity == "change_percent" and value < -100:
        return "a fall of more than 100 per cent"
    if unit in ("gbp", "gbp_per_child", "miles") and value < 0:
        return f"negative, which no amount in {unit} can be"
    if unit == "ratio" and value <= 0:
        return "not a positive ratio"
    return ""


def validate_claims(path: Path, schema_path: Path | None = None) -> int:
    """data/claims.csv against its Table Schema, then every claim's cited value against its unit."""
    schema_path = schema_path or path.with_name("claims.schema.json")
    schema = json.loads(_read(schema_path))
    text = _read(path)
    path = Path(path.parent.name) / path.name  # as messages name it: data/claims.csv
    count = validate_resource({"path": str(path), "schema": schema}, text)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for line, row in enumerate(reader, start=2):
        for column in ("cited_value",):
            value = row[column]
            where = f"{path}, line {line}, column {column}: claim {row['claim_id']}"
            if value == "" and row["scope"] != "statistical":
                continue
            if not NUMBER.fullmatch(value):
                raise SchemaError(f"{where}: {value!r} is not a finite number in {row['unit']} "
                                  "(digits with an optional decimal point; no commas, units or words)")
            number = float(value)
            problem = "not finite" if not math.isfinite(number) else _cited_problem(number, row["unit"], row["quantity"])
            if problem:
                raise SchemaError(f"{where}: {value!r} is {problem}")
        if row["scope"] != "out_of_scope":  # checked against the files: a statistic or a data-collection statement
            for column in ("quantity", "cited_bound"):
                if row[column] == "":
                    raise SchemaError(f"{path}, line {line}, column {column}: claim {row['claim_id']} is {row['scope']} "
                                      f"and needs a {column}")
    return count


# The files that name a claim by its id, beside claims.csv (written by hand: a typo there would otherwise surface as
# a KeyError from inside the register).
CLAIM_REFERENCES = {"readings.csv": "claim_id", "provenance.csv": "claim_id", "main_points.csv": "claim_id"}


def validate_references(folder: Path) -> None:
    """Every claim id another file names is a claim of folder/claims.csv: each endpoint a claim names, and the claim
    of each reading, provenance row and main point. The first one that is not stops with file, line and column."""
    claims = list(csv.DictReader(io.StringIO(_read(folder / "claims.csv"), newline="")))
    known = {row["claim_id"] for row in claims}
    where = f"{folder.name}/claims.csv"
    for line, row in enumerate(claims, start=2):
        for endpoint in filter(None, row["endpoint_claims"].split(";")):
            if endpoint not in known or endpoint == row["claim_id"]:
                problem = "the claim itself" if endpoint == row["claim_id"] else f"not a claim in {where}"
                raise SchemaError(f"{where}, line {line}, column endpoint_claims: claim {row['claim_id']} names "
                                  f"{endpoint!r}, {problem}")
    for name, column in CLAIM_REFERENCES.items():
        if not (folder / name).is_file():
            continue
        for line, row in enumerate(csv.DictReader(io.StringIO(_read(folder / name), newline="")), start=2):
            if row.get(column) not in known:
                raise SchemaError(f"{folder.name}/{name}, line {line}, column {column}: {row.get(column)!r} is not a "
                                  f"claim in {where}")
