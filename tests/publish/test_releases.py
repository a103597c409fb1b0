"""Releases: the store in releases/, make release's version setting, what changed between releases, redirect
anchors for renamed claims. Fast: no build (the assembled two-release site is tested in test_versions_site.py)."""

import csv
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from sentaway import __version__
from sentaway.paths import DATA, REPO
from sentaway.publish import anchors, changes, release
from sentaway.publish import releases as store
from sentaway.publish.releases import ReleaseError
from sentaway.publish.site import Assembly, ensure_archives, write_changes

ROW = {"claim_id": "a", "verdict": "reproduces", "reason": "r", "quote": "q", "cited_value": "100", "cited_value_2": "",
       "unit": "children", "year": "2017", "measure": "m", "quantity": "count", "official_measure": "om",
       "official_value": "100", "official_low": "95", "official_high": "105", "official_unit": "children",
       "official_year": "2017", "comparable": "True", "caveat": "", "missing": "", "consistency": "", "arithmetic": "",
       "robustness": "", "source_file": "f2017.csv", "release": "SFR50/2017", "filters": "national", "rounding": "",
       "book_version": "0.1.0"}


def row(claim_id, **changed):
    return {**ROW, "claim_id": claim_id, **changed}


def _by_id(changed):
    return {c.claim_id: c for c in changed}


def test_each_kind_of_change_is_found_with_old_and_new_and_its_cause():
    old = [row("same"), row("rule"), row("value"), row("revised"), row("newyear"), row("reading"), row("gone"),
           row("words"), row("was-named")]
    new = [row("same", book_version="0.2.0"),
           row("rule", verdict="does not reproduce"),
           row("value", official_value="120", verdict="does not reproduce"),
           row("revised", release="CLA 2024 (EES)", official_value="101.0"),
           row("newyear", release="CLA 2024 (EES)", official_year="2024", official_value="130"),
           row("reading", official_measure="another measure"),
           row("words", reason="said better"),
           row("now-named"), row("fresh")]
    changed, added, removed, renamed, text_only, unchanged = changes.compare_registers(
        old, new, {"was-named": "now-named"})
    found = _by_id(changed)
    assert set(found) == {"rule", "value", "revised", "newyear", "reading"}
    assert found["rule"].causes == ["rule_verdict"]
    assert found["value"].causes == ["rule_value"]
    assert found["revised"].causes == ["revision"]
    assert found["newyear"].causes == ["new_data"]
    assert found["reading"].causes == ["new_reading"]
    assert {(f["column"], f["old"], f["new"]) for f in found["value"].fields} == {
        ("verdict", "reproduces", "does not reproduce"), ("official_value", "100", "120")}
    assert [r["claim_id"] for r in added] == ["fresh"] and [r["claim_id"] for r in removed] == ["gone"]
    assert renamed == [("was-named", "now-named")] and text_only == ["words"] and unchanged == 2  # same, now-named


def test_numbers_written_differently_are_the_same_number():
    assert changes.same("official_value", "1.028e+09", "1028000000.0")
    assert not changes.same("official_value", "", "0")
    assert not changes.same("official_value", "54.5117", "54.5118")


def test_renames_follow_chains_and_bad_files_stop_with_the_row(tmp_path):
    (tmp_path / "renames.csv").write_text("old_id,new_id\na,b\nb,c\n")
    assert store.final_id("a", store.renames(tmp_path)) == "c"
    (tmp_path / "renames.csv").write_text("old_id,new_id\na,\n")
    with pytest.raises(ReleaseError, match="row 2"):
        store.renames(tmp_path)


def test_a_renamed_claim_keeps_its_old_anchor_in_the_row_and_the_chart():
    page = ('<table><tbody><tr id="claim-new"><td><a href="#claim-new">new</a></td></tr></tbody></table>'
            '<figure class="sa-chart" id="chart-new"></figure>')
    out = anchors.add(page, {"old": "new"})
    assert '<tr id="claim-new"><td><span id="claim-old"' in out  # inside the cell: a span in a <tr> is moved out
    assert '<figure class="sa-chart" id="chart-new"><span id="chart-old"' in out
    assert anchors.add(out, {"old": "new"}) == out  # idempotent
    chapter = anchors.add('<figure class="sa-chart" id="chart-growth-fit2"></figure>', {"chart-growth-fit": "chart-growth-fit2"})
    assert '<span id="chart-growth-fit" class="sa-renamed"' in chapter and "claim-" not in chapter


def test_a_claim_section_without_a_chart_still_answers_to_its_chart_address():
    page = ('<section class="sa-claim" id="claim-a"><p>no chart</p></section>'
            '<section class="sa-claim" id="claim-b"><figure class="sa-chart" id="chart-b"></figure></section>')
    out = anchors.add(page, {})
    assert '<section class="sa-claim" id="claim-a"><span id="chart-a"' in out and out.count('id="chart-b"') == 1
    assert anchors.add(out, {}) == out


@pytest.fixture
def versioned(tmp_path, monkeypatch):
    """Copies of the four files a version is written to, put in place of the repository's."""
    files = {"VERSION_FILE": tmp_path / "__init__.py", "CITATION": tmp_path / "CITATION.cff",
             "CHANGELOG": tmp_path / "CHANGELOG.md", "DATAPACKAGE": tmp_path / "datapackage.json"}
    files["VERSION_FILE"].write_text('"""Doc."""\n\n__version__ = "0.1.0"\n')
    files["CITATION"].write_text("cff-version: 1.2.0\nversion: 0.1.0\ndate-released: 2026-11-23\n")
    files["CHANGELOG"].write_text("# Changelog\n\n## Unreleased\n\n- new things\n\n## 0.1.0\n\nFirst.\n")
    shutil.copyfile(DATA / "datapackage.json", files["DATAPACKAGE"])
    for name, path in files.items():
        monkeypatch.setattr(release, name, path)
    return files["VERSION_FILE"], files["CITATION"], files["CHANGELOG"], files["DATAPACKAGE"]


def test_the_version_is_set_in_the_package_and_carried_to_citation_and_changelog(versioned):
    version_file, citation, changelog, package = versioned
    assert release.changelog_ready("0.2.0")
    release.set_version("0.2.0", "2026-12-01")
    # The data package says 0.2.0, every other byte as `make data` wrote it (so a fresh extraction at 0.2.0 matches).
    before = (DATA / "datapackage.json").read_text(encoding="utf-8")
    old = json.loads(before)["version"]
    assert package.read_text(encoding="utf-8") == before.replace(f'  "version": "{old}",', '  "version": "0.2.0",', 1)
    assert json.loads(package.read_text(encoding="utf-8"))["version"] == "0.2.0"
    assert release.VERSION_LINE.search(version_file.read_text()).group(1) == "0.2.0"
    assert "version: 0.2.0\ndate-released: 2026-12-01" in citation.read_text()
    assert "## 0.2.0 (2026-12-01)\n\n- new things" in changelog.read_text() and "## 0.1.0" in changelog.read_text()
    changelog.write_text("# Changelog\n\n## 0.2.0 (2026-12-01)\n")
    assert not release.changelog_ready("0.3.0")


def test_after_a_release_the_next_development_version_is_set_and_the_changelog_reopened(versioned):
    version_file, citation, changelog, package = versioned
    changelog.write_text("# Changelog\n\nIntro.\n\n## 0.2.0 (2026-12-01)\n\n- new things\n")
    assert release.begin_development("0.2.0") == "0.2.1.dev0"
    assert release.VERSION_LINE.search(version_file.read_text()).group(1) == "0.2.1.dev0"
    assert "version: 0.2.1.dev0\ndate-released: 2026-11-23" in citation.read_text()  # the date stays the release's
    assert changelog.read_text() == "# Changelog\n\nIntro.\n\n## Unreleased\n\n## 0.2.0 (2026-12-01)\n\n- new things\n"
    assert json.loads(package.read_text())["version"] == "0.2.1.dev0"
    assert release.next_development("1.4") == "1.4.1.dev0" and Version("0.3.0") > Version("0.2.1.dev0")


def test_a_new_release_may_not_skip_its_tests(capsys):
    assert release.main(["99.0.0", "--skip-tests"]) == 1
    assert "SKIP_TESTS is only for rebuilding" in capsys.readouterr().err


@pytest.mark.parametrize("version", ["v0.3.0", "0.3.0;touch x", "0.3", "0.3.0.dev0", "0.03.0", " 0.3.0"])
def test_a_version_is_only_x_y_z(version, capsys):
    assert release.main([version]) == 1
    assert capsys.readouterr().err == (f"release: stopped. version {version!r} is not of the form x.y.z (three whole "
                                       "numbers, as 0.3.0)\n")
    assert not (store.RELEASES / version).exists()


def test_the_dirty_tree_message_names_every_file_whole(tmp_path, monkeypatch, capsys):
    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=tmp_path, check=True,
                       capture_output=True)

    git("init", "-q")
    for name in ("README.md", "old name.txt"):
        (tmp_path / name).write_text("x\n")
    git("add", "-A")
    git("commit", "-qm", "one")
    (tmp_path / "README.md").write_text("changed\n")  # ' M README.md': the line git status starts with a space
    git("mv", "old name.txt", "new name.txt")
    (tmp_path / "new file.csv").write_text("y\n")
    monkeypatch.setattr(release, "REPO", tmp_path)
    assert release.dirty_files() == ["README.md", "new name.txt", "new file.csv"]
    assert release.main(["99.0.0"]) == 1
    assert capsys.readouterr().err == ("release: stopped. the tree has uncommitted changes (3: README.md, new name.txt, "
                                       "new file.csv); commit or stash them first\n")


def _stub_venv(folder: Path) -> Path:
    """A .venv whose python answers make's version question as this Python does and otherwise writes the arguments it
    was given, one a line, to args.txt; its stamps are current, so make installs nothing."""
    python = folder / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f'#!/bin/sh\nif [ "$1" = "-c" ]; then exec {sys.executable} "$@"; fi\n'
                      f'printf "%s\\n" "$@" > "{folder}/args.txt"\n')
    python.chmod(0o755)
    for name, stamp in (("requirements.txt", ".installed"), ("requirements-test.txt", ".installed-test")):
        shutil.copy(REPO / name, folder / name)
        (folder / ".venv" / stamp).write_text(hashlib.sha256((REPO / name).read_bytes()).hexdigest() + "\n")
    shutil.copy(REPO / "Makefile", folder / "Makefile")
    return folder / "args.txt"


def test_make_gives_every_variable_to_its_command_as_one_word_and_runs_nothing_from_one(tmp_path):
    args = _stub_venv(tmp_path)
    # $$ is a shell's $ ($(...) alone is one of make's own variables).
    result = subprocess.run(["make", "release", "VERSION=0.3.0;touch x", "COMMIT=a'b$$(touch y)`touch z`", "SKIP_TESTS=1",
                             f"PYTHON={sys.executable}"], cwd=tmp_path, text=True, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert args.read_text().splitlines() == ["-m", "sentaway.publish.release", "0.3.0;touch x", "--commit",
                                             "a'b$(touch y)`touch z`", "--skip-tests"]
    for bad in ("PYTHON=python3;touch x", "PYTHON=python3'; touch x; '"):
        result = subprocess.run(["make", "book", bad], cwd=tmp_path, text=True, capture_output=True, timeout=60)
        assert result.returncode != 0
        assert result.stderr.splitlines()[0] == (f"setup: {bad.split('=', 1)[1]} is not a working Python; Sent Away "
                                                 "needs Python 3.11 or 3.12 (e.g. make PYTHON=python3.12)")
    assert not {"x", "y", "z"} & {p.name for p in tmp_path.iterdir()}


def _record(root, version, commit="0" * 40, date="2026-11-23"):
    (root / version).mkdir(parents=True)
    (root / version / "release.json").write_text(json.dumps(
        {"version": version, "date": date, "commit": commit, "archive": store.archive_name(version),
         "sha256": "0" * 64, "tag": f"v{version}"}))


def test_a_missing_archive_whose_commit_is_absent_stops_with_one_line_saying_how_to_restore(tmp_path):
    _record(tmp_path / "releases", "0.1.0", commit="1234567890" * 4)
    recorded = store.load_all(tmp_path / "releases")
    with pytest.raises(ReleaseError) as error:
        ensure_archives(recorded, tmp_path / "dist", tmp_path, tmp_path / "releases", log=lambda _: None)
    message = str(error.value)
    assert "\n" not in message and "release 0.1.0" in message and "copy the deposited archive" in message


def test_a_foreign_archive_is_refused(tmp_path):
    _record(tmp_path / "releases", "0.1.0")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "sent-away-0.1.0.zip").write_bytes(b"not the deposited archive")
    with pytest.raises(ReleaseError, match="not the recorded"):
        store.find_archive(store.load_all(tmp_path / "releases")[0], tmp_path / "dist", tmp_path / "releases")


def test_an_altered_deposited_archive_is_refused_and_dist_is_not_used_instead(tmp_path):
    _record(tmp_path / "releases", "0.1.0")
    (tmp_path / "releases" / "0.1.0" / "sent-away-0.1.0.zip").write_bytes(b"altered")
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "sent-away-0.1.0.zip").write_bytes(b"another")
    with pytest.raises(ReleaseError, match="it was altered"):
        store.find_archive(store.load_all(tmp_path / "releases")[0], tmp_path / "dist", tmp_path / "releases")


def test_releases_sort_by_version_not_by_name(tmp_path):
    for version in ("0.10.0", "0.9.0", "0.2.0-dev"):
        _record(tmp_path, version)
    assert [r.version for r in store.load_all(tmp_path)] == ["0.2.0-dev", "0.9.0", "0.10.0"]


def test_the_changes_page_shows_each_changed_claim_old_and_new_and_why(tmp_path):
    root = tmp_path / "releases"
    for version, rows, date in (("0.1.0", [row("a"), row("b"), row("gone")], "2026-11-23"),
                                ("0.2.0", [row("a", official_value="120", verdict="does not reproduce"),
                                           row("b", verdict="reproduces with a caveat"), row("fresh")],
                                 "2026-12-01")):
        _record(root, version, date=date)
        with (root / version / "claims_register.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(ROW))
            writer.writeheader()
            writer.writerows(rows)
        (root / version / store.GLUE_FILE).write_text(json.dumps(
            {"register": {"n_claims": {"text/plain": "3"}, "n_checked": {"text/plain": "2" if version == "0.1.0" else "1"}}}))
    recorded = store.load_all(root)
    site = Assembly(recorded, tmp_path, "https://example.org/book/", store.moves())  # 0.2.0's pages: book/executed/
    for r in recorded:
        site.add(r.version, {"book/index.html", "book/executed/register.html"})
    write_changes(site, tmp_path / "changes.html", root)
    page = (tmp_path / "changes.html").read_text()
    assert "From 0.1.0 (2026-11-23) to 0.2.0 (2026-12-01)" in page
    assert "2 claims changed" in page and "1 added; 1 removed" in page
    assert 'href="v0.2.0/book/executed/register.html#claim-a"' in page
    assert '<td class="sa-old">100</td><td class="sa-new">120</td>' in page
    assert '<td class="sa-old">reproduces</td><td class="sa-new">reproduces with a caveat</td>' in page
    assert "a change of rule: the same release and reading give a different figure" in page
    assert "a change of rule: the verdict changed with the same figure" in page
    assert "<code>n_checked</code></td><td class=\"sa-old\">2</td><td class=\"sa-new\">1</td>" in page
    assert 'http-equiv="Content-Security-Policy"' in page


def test_the_recorded_releases_are_complete():
    recorded = store.load_all()
    assert recorded, "releases/ records no release"
    for item in recorded:
        folder = store.RELEASES / item.version
        for name in (*store.REGISTER_FILES, store.GLUE_FILE):
            assert (folder / name).is_file(), folder / name
        assert len(item.commit) == 40 and len(item.sha256) == 64
        rows = store.register(item.version)
        assert rows and all(r["book_version"] == item.version for r in rows)
        # Every clone shows every published version as deposited, without rebuilding it.
        assert store.sha256(store.deposited(item)) == item.sha256, store.deposited(item)
        assert json.loads((folder / store.GLUE_FILE).read_text())


def test_a_book_that_says_a_released_version_shows_that_release_s_figures(site):
    """A journalist cites the version a page shows: a build whose register or glued figures differ from those
    recorded for its version must carry another version (a development one, 0.2.1.dev0, until the next release)."""
    recorded = {r.version for r in store.load_all()}
    if __version__ not in recorded:
        assert Version(__version__) > max(map(Version, recorded)), f"{__version__} is older than a recorded release"
        return
    executed = REPO / "book" / "executed"
    hint = (f"the built book's figures differ from those recorded for release {__version__} in releases/"
            f"{__version__}/, but its pages still say {__version__}: set the next development version "
            f"({release.next_development(__version__)}), as make release does after recording a release")
    for name in store.REGISTER_FILES:
        assert (executed / "downloads" / name).read_bytes() == (store.RELEASES / __version__ / name).read_bytes(), hint
    assert store.glued_figures(executed) == json.loads((store.RELEASES / __version__ / store.GLUE_FILE).read_text()), hint


def test_a_column_one_release_added_is_reported_once_not_as_a_change_of_every_claim():
    old = [{k: v for k, v in row("a").items() if k != "rounding"}]
    new = [{**row("a"), "headline_reading": "children's homes only"}]
    changed, *_ = changes.compare_registers(old, new, {})
    assert changed == []
    assert changes.compare_columns(old, new) == (["rounding", "headline_reading"], [])
