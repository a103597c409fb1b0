"""The Ofsted provider extract: deterministic, recomputable from the raw rows, strict on drift."""

import csv
import hashlib
import io
import shutil

import pytest

from sentaway.extract import providers, shapes
from sentaway.raw.files import RawDataError, RawFiles
from tables import one


@pytest.fixture(scope="module")
def extracted(raw_root):
    rows = providers.extract(RawFiles(raw_root))
    return rows, shapes.csv_text(providers.NAME, rows)


@pytest.fixture(scope="module")
def table(extracted):
    return list(csv.DictReader(io.StringIO(extracted[1])))


def raw_table(root, rel, header_line):
    """The raw file read independently: rows as dicts keyed by the header on `header_line`."""
    data = (root / rel).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    lines = list(csv.reader(io.StringIO(text, newline="")))
    header = [c.strip() for c in lines[header_line - 1]]
    return [dict(zip(header, row)) for row in lines[header_line:] if any(c.strip() for c in row)]



def test_resource_name_and_sources(raw_root, extracted):
    rows, text = extracted
    assert shapes.csv_text(providers.NAME, list(reversed(rows))) == text
    assert shapes.spec(providers.NAME)["path"] == "ofsted_providers.csv"
    assert {row.source_file for row in rows} == {s.file for s in providers.SNAPSHOTS}


def test_snapshots(table):
    assert sorted({(r["snapshot_date"], r["source_file"]) for r in table}) == [
        ("2014-09-30", "ofsted-providers/providers_at_sept_14.csv"),
        ("2015-03-31", "ofsted-providers/providers_at_15.csv"),
        ("2016-03-31", "ofsted-providers/providers_at_16.csv"),
        ("2023-03-31", "ofsted-providers/provider_at_march.csv"),
    ]


def test_north_west_childrens_homes_2016_recomputed(raw_root, table):
    rel = "ofsted-providers/providers_at_16.csv"
    homes = [r for r in raw_table(raw_root, rel, 2)
             if r["Provision type"].strip().lower() == "children's home"
             and r["Government Office Region"].strip() == "North West"]
    row = one(table, source_file=rel, geographic_level="regional", area_name="North West",
              provider_type="childrens_home", sector="all", measure="homes")
    assert int(row["value"]) == len(homes) > 0
    places = one(table, source_file=rel, geographic_level="regional", area_name="North West",
                 provider_type="childrens_home", sector="all", measure="places")
    assert int(places["value"]) == sum(int(r["Places"]) for r in homes)


def test_private_childrens_home_places_in_england_2023_recomputed(raw_root, table):
    rel = "ofsted-providers/provider_at_march.csv"
    homes = [r for r in raw_table(raw_root, rel, 4)
             if r["Provision type"].strip().lower() == "children's home" and r["Sector"].strip() == "Private"]
    known = [int(r["Places"]) for r in homes if r["Places"].strip() not in ("", "0")]
    assert one(table, source_file=rel, geographic_level="national", provider_type="childrens_home",
               sector="private", measure="homes")["value"] == str(len(homes))
    assert one(table, source_file=rel, geographic_level="national", provider_type="childrens_home",
               sector="private", measure="places")["value"] == str(sum(known))
    assert one(table, source_file=rel, geographic_level="national", provider_type="childrens_home",
               sector="private", measure="homes_places_unknown")["value"] == str(len(homes) - len(known))


def test_local_authority_count_2014_recomputed(raw_root, table):
    rel = "ofsted-providers/providers_at_sept_14.csv"
    homes = [r for r in raw_table(raw_root, rel, 1)
             if r["Provision Type"] == "Children's Home" and r["LA"] == "Lancashire"]
    row = one(table, source_file=rel, geographic_level="local_authority", area_name="Lancashire",
              provider_type="childrens_home", sector="all", measure="homes")
    assert int(row["value"]) == len(homes) > 0


def test_no_places_column_is_not_zero(table):
    rel = "ofsted-providers/providers_at_15.csv"
    places = [r for r in table if r["source_file"] == rel and r["measure"] == "places"]
    assert places and all(r["value"] == "" and r["status"] == ":" for r in places if r["sector"] == "all"
                          and r["geographic_level"] == "national")
    homes = one(table, source_file=rel, geographic_level="national", provider_type="childrens_home",
                sector="all", measure="homes")["value"]
    assert one(table, source_file=rel, geographic_level="national", provider_type="childrens_home",
               sector="all", measure="homes_places_unknown")["value"] == homes


def test_regions_add_up_to_england(table):
    for date in {r["snapshot_date"] for r in table}:
        national = one(table, snapshot_date=date, geographic_level="national", provider_type="childrens_home",
                       sector="all", measure="homes")
        regional = [int(r["value"]) for r in table if r["snapshot_date"] == date and r["geographic_level"] == "regional"
                    and r["provider_type"] == "childrens_home" and r["sector"] == "all" and r["measure"] == "homes"]
        local = [int(r["value"]) for r in table if r["snapshot_date"] == date and r["geographic_level"] == "local_authority"
                 and r["provider_type"] == "childrens_home" and r["sector"] == "all" and r["measure"] == "homes"]
        assert sum(regional) == sum(local) == int(national["value"])


def test_duplicate_keys_stop(extracted):
    rows = extracted[0]
    with pytest.raises(ValueError, match="a second value for the same key"):
        shapes.csv_text(providers.NAME, rows + [rows[0]])


# ---------------------------------------------------------------------------------------------
# Drift, on a synthetic raw folder holding edited copies of the real files.

def make_raw(tmp_path, raw_root, edit):
    lines = ["path,bytes,sha256,origin_path"]
    for snap in providers.SNAPSHOTS:
        target = tmp_path / snap.file
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(raw_root / snap.file, target)
        if snap.file in edit:
            target.write_bytes(edit[snap.file](target.read_bytes()))
        content = target.read_bytes()
        lines.append(f"{snap.file},{len(content)},{hashlib.sha256(content).hexdigest()},origin/{snap.file}")
    (tmp_path / "MANIFEST.csv").write_text("\n".join(lines) + "\n")
    return RawFiles(tmp_path)


def test_a_renamed_column_is_named(tmp_path, raw_root):
    rel = "ofsted-providers/providers_at_16.csv"
    raw = make_raw(tmp_path, raw_root, {rel: lambda b: b.replace(b",Places,", b",Registered places,", 1)})
    with pytest.raises(RawDataError) as error:
        providers.extract(raw)
    message = str(error.value)
    assert rel in message and "'Places'" in message and "'Registered places'" in message


def test_an_unknown_provider_type_is_named(tmp_path, raw_root):
    rel = "ofsted-providers/providers_at_sept_14.csv"
    raw = make_raw(tmp_path, raw_root, {rel: lambda b: b.replace(b",Secure Children's Home,", b",Secure Unit,", 1)})
    with pytest.raises(RawDataError, match="providers_at_sept_14.csv, line .*unknown provision type 'Secure Unit'"):
        providers.extract(raw)


def test_another_year_in_provider_at_march_stops(tmp_path, raw_root):
    rel = "ofsted-providers/provider_at_march.csv"
    raw = make_raw(tmp_path, raw_root, {rel: lambda b: b.replace(b"31 March 2023", b"31 March 2024", 1)})
    with pytest.raises(RawDataError, match="provider_at_march.csv, line 1"):
        providers.extract(raw)
