"""A reviewer reruns one chapter with other parameters and gets a coherent page, or a clear refusal."""

import subprocess
import sys

import nbformat

from sentaway.paths import REPO


def _papermill(tmp_path, *args):
    out = tmp_path / "out.ipynb"
    result = subprocess.run([sys.executable, "-m", "papermill", "notebooks/claims.ipynb", str(out),
                             "--cwd", str(REPO), "--no-progress-bar", *args], cwd=REPO, capture_output=True, text=True)
    return result, out


def test_a_family_reruns_with_another_window(tmp_path):
    result, out = _papermill(tmp_path, "-p", "first_year", "2013", "-p", "last_year", "2022")
    assert result.returncode == 0, result.stderr[-2000:]
    html = "".join(o.get("data", {}).get("text/html", "") if isinstance(o.get("data", {}).get("text/html", ""), str)
                   else "".join(o["data"]["text/html"])
                   for cell in nbformat.read(out, 4).cells for o in cell.get("outputs", []))
    assert "ooa-share-2018-localgov" in html
    assert '"year":2012' not in html and '"year":2024' not in html  # the window limits the figures shown


def test_a_year_outside_the_data_is_refused_before_any_work(tmp_path):
    result, _ = _papermill(tmp_path, "-p", "first_year", "2005")
    assert result.returncode != 0
    assert "first_year=2005 is outside the data; allowed 2010 to 2024" in result.stderr + result.stdout


def test_a_page_the_notebook_does_not_make_is_refused(tmp_path):
    result, _ = _papermill(tmp_path, "-p", "page", "claims_elsewhere")
    assert result.returncode != 0
    assert "page='claims_elsewhere' is not allowed; allowed: claims_out_of_area, claims_missing" in result.stderr + result.stdout


def test_every_parameters_cell_matches_params_yml():
    """One source for the defaults: a notebook run by hand (plain papermill, no -p) uses what make book uses
    (for a notebook of several pages, for its first page)."""
    import ast

    import nbformat
    import yaml

    from sentaway.paths import REPO
    from sentaway.read.params import runs

    declared = yaml.safe_load((REPO / "params.yml").read_text(encoding="utf-8"))
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = [c for c in nbformat.read(path, as_version=4).cells
                 if c.cell_type == "code" and "parameters" in c.metadata.get("tags", [])]
        values = {}
        for cell in cells:
            for node in ast.parse(cell.source).body:
                values[node.targets[0].id] = ast.literal_eval(node.value)
        _, first = runs(path.stem, declared)[0]
        # None in the notebook: left out of params.yml too, the data's own first or last year.
        assert values == {**{name: None for name in values if name not in first}, **first}, \
            f"{path.name}: parameters cell {values} vs params.yml {first}"


def test_the_claims_pages_are_the_pages_the_register_links_to(tmp_path):
    """notebooks/claims.ipynb makes every page FAMILY_PAGES sends a family to, and no other; the reviewer's
    route refuses another page before anything runs."""
    from sentaway.present.claim_pages import FAMILY_PAGES
    from sentaway.read.params import PAGES

    assert sorted(set(FAMILY_PAGES.values())) == sorted(PAGES["claims"])
    result = subprocess.run([sys.executable, "-m", "sentaway.publish.run", "notebooks/claims.ipynb", str(tmp_path / "review"),
                             "-p", "page", "claims_elsewhere"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1 and "run: stopped before running anything. claims: page='claims_elsewhere'" in result.stderr
    assert not (tmp_path / "review").exists()
