"""Every committed extract matches its schema in data/datapackage.json, and the checks catch what they claim to."""

import csv
import io
import json
import re

import pytest

from sentaway.paths import DATA
from sentaway.extract.validate import SchemaError, validate_folder, validate_resource


def test_committed_extracts_match_their_schemas():
    counts = validate_folder(DATA)
    assert set(counts) == {r["path"] for r in json.loads((DATA / "datapackage.json").read_text())["resources"]}
    assert all(n > 0 for n in counts.values())


def _placements():
    package = json.loads((DATA / "datapackage.json").read_text())
    resource = next(r for r in package["resources"] if r["name"] == "cla_placements")
    lines = (DATA / "cla_placements.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    return resource, lines


@pytest.mark.parametrize("edit, message", [
    (lambda row: row.update(value="-10"), "below the minimum 0"),
    (lambda row: row.update(locality="nearby"), "'nearby' is not one of"),
    (lambda row: row.update(value="12.5"), "is not of type integer"),
    (lambda row: row.update(value=""), "a value and a status"),
])
def test_a_bad_cell_is_named(edit, message):
    resource, lines = _placements()
    header = next(csv.reader([lines[0]]))
    row = dict(zip(header, next(csv.reader([lines[1]]))))
    if not row["value"]:
        row.update(value="5", status="")
    edit(row)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([row[h] for h in header])
    with pytest.raises(SchemaError, match=f"cla_placements.csv, line 2.*{message}"):
        validate_resource(resource, lines[0] + out.getvalue() + "".join(lines[2:50]))


def test_a_repeated_key_is_named():
    resource, lines = _placements()
    with pytest.raises(SchemaError, match="line 3: key .* repeated"):
        validate_resource(resource, lines[0] + lines[1] + lines[1])


def test_parts_add_up_to_their_totals_within_rounding():
    # EES national placement table: the placement types inside (2a-2g) and outside (3a-3g) the boundary sum to
    # the "all placed inside / outside" rows, within the rounding of each part to the nearest 10.
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["geographic_level"] == "national" and r["provider"] == "all"
                and "placement_provider" in r["source_file"] and r["locality"] in ("inside", "outside")]
    groups = {}
    for r in rows:
        key = (r["release"], r["year"], r["locality"])
        total, parts, n = groups.get(key, (None, 0, 0))
        if r["placement"] == "all":
            total = int(r["value"])
        elif r["value"]:
            parts, n = parts + int(r["value"]), n + 1
        groups[key] = (total, parts, n)
    assert groups
    for key, (total, parts, n) in groups.items():
        assert abs(total - parts) <= 5 * n + 5, (key, total, parts)


def test_frictionless_validates_the_data_package_and_every_resource():
    """The ecosystem's own validator (types, formats, primary keys) agrees with the project's."""
    from frictionless import Package, system

    with system.use_context(trusted=True):
        report = Package(str(DATA / "datapackage.json")).validate()
    problems = [f"{task.name}: {error.message}" for task in report.tasks for error in task.errors][:5]
    assert report.valid, problems
    assert {task.name for task in report.tasks} == {r["name"] for r in json.loads((DATA / "datapackage.json").read_text())["resources"]}


def test_frictionless_catches_a_broken_primary_key(tmp_path):
    from frictionless import Package, system

    for name in ("datapackage.json", "release_dates.csv"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
    package = json.loads((tmp_path / "datapackage.json").read_text())
    package["resources"] = [r for r in package["resources"] if r["name"] == "release_dates"]
    (tmp_path / "datapackage.json").write_text(json.dumps(package))
    lines = (tmp_path / "release_dates.csv").read_text().splitlines()
    (tmp_path / "release_dates.csv").write_text("\n".join(lines + [lines[1]]) + "\n")
    with system.use_context(trusted=True):
        report = Package(str(tmp_path / "datapackage.json")).validate()
    assert not report.valid
    assert any(error.type == "primary-key" for task in report.tasks for error in task.errors)


def test_a_title_that_names_years_names_the_years_its_data_holds():
    """A resource title's year range is metadata typed by hand: it must be the range of its year column."""
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    checked = 0
    for resource in package["resources"]:
        span = re.search(r"\b((?:19|20)\d\d)-((?:19|20)\d\d)\b", resource["title"])
        if not span or "year" not in {f["name"] for f in resource["schema"]["fields"]}:
            continue
        with open(DATA / resource["path"], encoding="utf-8", newline="") as handle:
            years = {int(row["year"]) for row in csv.DictReader(handle) if row["year"]}
        assert (min(years), max(years)) == (int(span[1]), int(span[2])), (
            f"{resource['name']}: the title says {span[0]}, the data hold {min(years)}-{max(years)}")
        checked += 1
    assert checked >= 4
