"""data/ is what the extraction makes from the raw files, byte for byte, and reads them right."""

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest

from sentaway.extract.__main__ import build
from sentaway.paths import DATA, REPO, transcribed_dir
from sentaway.raw.files import RawFiles


def test_regenerating_from_raw_gives_the_committed_bytes(raw_root, tmp_path):
    written = build(tmp_path, RawFiles(raw_root))
    assert written, "the extraction wrote nothing"
    for name in written:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"data/{name} differs from a fresh extraction"


def test_a_corrupted_raw_file_stops_make_data_naming_it(raw_root, tmp_path):
    copy = tmp_path / "raw"
    shutil.copytree(raw_root, copy)
    victim = copy / "dfe-cla-sfr/2014/SFR36_CLA2014.csv"
    data = bytearray(victim.read_bytes())
    data[100] ^= 0x01
    victim.write_bytes(bytes(data))
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "sentaway.extract", str(out)], cwd=REPO, text=True,
                            capture_output=True, env={**os.environ, "SENTAWAY_RAW": str(copy),
                                                       "SENTAWAY_TRANSCRIBED": str(transcribed_dir())})
    assert result.returncode == 1
    assert "dfe-cla-sfr/2014/SFR36_CLA2014.csv: checksum mismatch" in result.stderr
    assert RawFiles(raw_root).entries["dfe-cla-sfr/2014/SFR36_CLA2014.csv"].sha256 in result.stderr
    assert "found    sha256" in result.stderr
    assert not out.exists(), "nothing may be written when the extraction stops"


def _committed():
    with open(DATA / "cla_placements.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _national(rows, year, release, placement, locality, source_part=""):
    found = [r for r in rows if r["year"] == str(year) and r["release"] == release and r["placement"] == placement
             and r["locality"] == locality and r["geographic_level"] == "national" and r["provider"] == "all"
             and source_part in r["source_file"]]
    assert len(found) == 1, found
    return found[0]


def test_sfr_cells_match_the_raw_file_read_independently(raw_root):
    rows = _committed()
    with open(raw_root / "dfe-cla-sfr/2012/SFR20_CLA2012.csv", newline="", encoding="cp1252") as handle:
        england = next(r for r in csv.DictReader(handle) if r["geog_l"] == "NATIONAL")
    assert _national(rows, 2012, "SFR20/2012", "secure_childrens_homes_hostels", "all")["value"] == england["CLA_Secure"]
    assert _national(rows, 2012, "SFR20/2012", "all", "outside")["value"] == england["CLA_Outbound"]
    assert _national(rows, 2012, "SFR20/2012", "all", "inside")["value"] == england["CLAA_InBound"]


def test_2010_values_are_read_in_code_order_not_header_order():
    # The 2010 header mislabels its placement columns; read by code order the categories add up
    # to the total and foster care with other carers (Q2) is the largest.
    rows = [r for r in _committed() if r["year"] == "2010" and r["geographic_level"] == "national"]
    values = {r["placement"]: int(r["value"]) for r in rows if r["value"]}
    total = values.pop("all")
    assert max(values, key=values.get) == "foster_other"
    assert abs(sum(values.values()) - total) <= 200


def test_suppressed_cells_are_empty_with_their_symbol_never_zero():
    rows = _committed()
    suppressed = [r for r in rows if r["status"]]
    assert suppressed, "the files do carry suppressed cells"
    assert all(r["value"] == "" for r in suppressed)
    assert {r["status"] for r in suppressed} <= {"x", "c", "z", "k", ":", "..", "u"}


def test_overlapping_releases_are_both_kept():
    rows = _committed()
    a = _national(rows, 2022, "CLA 2023 (EES)", "all", "outside", "provider")
    b = _national(rows, 2022, "CLA 2024 (EES)", "all", "outside", "provider")
    assert a["value"] and b["value"]


def _extractors():
    from sentaway.extract.__main__ import EXTRACTORS

    return EXTRACTORS


@pytest.mark.parametrize("module", _extractors(), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_each_extract_s_columns_are_declared_once_in_its_metadata(module):
    """The row type, the CSV header and the published schema all come from metadata/<extract>.yml; the extractor
    lists no columns of its own."""
    from dataclasses import fields

    from sentaway.extract import shapes

    declared = shapes.columns(module.NAME)
    assert [f.name for f in fields(module.Row)][:len(declared)] == declared
    published = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    assert [f["name"] for f in next(r for r in published if r["name"] == module.NAME)["schema"]["fields"]] == declared
    assert not hasattr(module, "COLUMNS")
    spec = shapes.spec(module.NAME)
    assert set(spec["primaryKey"]) <= set(declared) and spec["path"] == spec["name"] + ".csv"


@pytest.mark.parametrize("module", _extractors(), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_each_extraction_is_deterministic(module, raw_root):
    from sentaway.extract import shapes

    first = shapes.csv_text(module.NAME, module.extract(RawFiles(raw_root)))
    assert shapes.csv_text(module.NAME, module.extract(RawFiles(raw_root))) == first
    assert first.splitlines()[0] == ",".join(shapes.columns(module.NAME))


def test_every_metadata_file_describes_one_extract():
    from sentaway.extract import catalogue

    described = {p.name.removesuffix(".yml") for p in catalogue.METADATA.glob("*.yml")
                 if not p.name.endswith(".sources.yml")} - {"fields", "package"}
    assert described == set(catalogue.names())
    read_by = {p.name.removesuffix(".sources.yml") for p in catalogue.METADATA.glob("*.sources.yml")}
    assert read_by <= described


@pytest.mark.parametrize("field, message", [
    ("- area", "field 'area' is not in sentaway/extract/metadata/fields.yml"),
    ("- {name: kind, type: string, constraints: {enum: kinds}}", "enum 'kinds' is no list of"),
    ("- {name: kind, type: string, description: '{{ legnd }}'}", "field kind: 'legnd' is undefined"),
])
def test_a_metadata_mistake_stops_naming_the_file(tmp_path, monkeypatch, field, message):
    from sentaway.extract import catalogue, shapes, sources

    (tmp_path / "fields.yml").write_bytes((shapes.METADATA / "fields.yml").read_bytes())
    (tmp_path / "demo.yml").write_text(f"name: demo\npath: demo.csv\ntitle: Demo\ndescription: A demo.\n"
                                       f"primaryKey: []\nfields:\n{field}\n", encoding="utf-8")
    monkeypatch.setattr(sources, "METADATA", tmp_path)
    sources.metadata.cache_clear()
    shapes.spec.cache_clear()
    try:
        with pytest.raises(shapes.MetadataError, match=f"metadata/demo.yml.*{message}"):
            catalogue.resource("demo")
    finally:
        sources.metadata.cache_clear()
        shapes.spec.cache_clear()


def test_the_shared_status_field_lists_the_suppression_symbols():
    from sentaway.raw.suppression import CODES

    published = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]
    status = next(f for f in published[0]["schema"]["fields"] if f["name"] == "status")
    assert status["constraints"]["enum"] == ["", *CODES]
    assert all(f"{code} = {meaning}" in status["description"] for code, meaning in CODES.items())
