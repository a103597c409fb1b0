"""The house was rebuilt (stage folders, words out of Python) without changing a number the book shows.

tests/publish/snapshots/before_house/ holds the register and every glued value as the build of commit 19bca6c (the
last commit before the stage folders) gave them. A glued value still glued must be identical; one whose
sentence has moved out of Python into a page or template must leave every number it held on its page.
"""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from sentaway import __version__
from sentaway.paths import REPO
from sentaway.publish.releases import REGISTER_FILES, glued_figures

BEFORE = Path(__file__).parent / "snapshots" / "before_house"
EXECUTED = REPO / "book" / "executed"
BARE = re.compile(r"[-−]?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
NUMBER = re.compile(r"(?<![\w.])[-−]?£?\d[\d,]*(?:\.\d+)?%?")


def _before() -> dict:
    return json.loads((BEFORE / "glued_figures.json").read_text(encoding="utf-8"))


def _shown(value: dict) -> str:
    return value.get("text/markdown", value.get("text/plain", ""))


def _page_text(site: Path, notebook: str) -> str:
    html = (site / "book" / "executed" / f"{notebook}.html").read_text(encoding="utf-8")
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"&nbsp;|&#160;|\s+", " ", re.sub(r"<[^>]+>", " ", text)).replace("&#8722;", "−")


def _without_version(name: str, text: str) -> str:
    """The register with the book's version blanked: a release bumps the version, not a number."""
    if name.endswith(".json"):
        data = json.loads(text)
        data["version"] = ""
        for claim in data["claims"]:
            claim["book_version"] = ""
        return json.dumps(data, ensure_ascii=False, indent=1)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    column = rows[0].index("book_version")
    return "\n".join(",".join(row[:column] + [""] + row[column + 1:]) for row in rows)


@pytest.mark.parametrize("name", REGISTER_FILES)
def test_the_register_is_identical_to_before_the_move_but_for_the_version(site, name):
    now = (EXECUTED / "downloads" / name).read_text(encoding="utf-8")
    before = (BEFORE / name).read_text(encoding="utf-8")
    assert _without_version(name, now) == _without_version(name, before), (
        f"{name} differs from tests/publish/snapshots/before_house/{name}")
    assert now.count(__version__) >= 1, f"{name} does not carry the book's version {__version__}"


# Read from BENCHMARKS.md, which each `make bench` run rewrites: timings of the machine, not figures of the data.
# They must stay glued; their values may change.
MEASURED_BY_BENCH = {("reproduce", "measured"), ("reproduce", "chapter_seconds")}


def differences(before: dict, now: dict, page_text) -> list[str]:
    """What the build shows differently from the snapshot: glued values changed, or numbers gone from a page."""
    found = [] if set(before) == set(now) else [f"notebooks differ: {sorted(set(before) ^ set(now))}"]
    for notebook, values in before.items():
        page = None
        for key, value in values.items():
            if key in now.get(notebook, {}):
                if _shown(now[notebook][key]) != _shown(value) and (notebook, key) not in MEASURED_BY_BENCH:
                    found.append(f"{notebook}:{key}: {_shown(value)!r} -> {_shown(now[notebook][key])!r}")
                continue
            if BARE.fullmatch(_shown(value).strip()):
                # A bare number is shown through a format ({glue:text}`name:.1f`): it must stay glued.
                found.append(f"{notebook}:{key}: {_shown(value)} is no longer glued")
                continue
            page = page if page is not None else page_text(notebook)
            found += [f"{notebook}:{key}: {number} is no longer on the page (from {_shown(value)[:80]!r})"
                      for number in NUMBER.findall(_shown(value)) if number not in page]
    return found


def test_every_number_glued_before_the_move_is_still_on_its_page(site):
    found = differences(_before(), glued_figures(EXECUTED), lambda notebook: _page_text(site, notebook))
    assert not found, "the build differs from before the move:\n" + "\n".join(found[:20])


def test_a_changed_or_lost_number_is_caught(site):
    before, now = _before(), glued_figures(EXECUTED)
    notebook = "out_of_area"
    key = next(k for k, v in before[notebook].items() if k in now[notebook] and NUMBER.search(_shown(v)))
    altered = json.loads(json.dumps(now))
    mime = "text/markdown" if "text/markdown" in altered[notebook][key] else "text/plain"
    altered[notebook][key][mime] = NUMBER.sub("987654321", altered[notebook][key][mime], count=1)
    assert any(f"{notebook}:{key}:" in line for line in differences(before, altered, lambda nb: _page_text(site, nb)))
    del altered[notebook][key]
    assert any("is no longer" in line for line in differences(before, altered, lambda nb: "no numbers"))
    sentence = next(k for k, v in before[notebook].items() if k in now[notebook] and not BARE.fullmatch(_shown(v))
                    and NUMBER.search(_shown(v)))
    del altered[notebook][sentence]
    assert any(f"{notebook}:{sentence}:" in line and "no longer on the page" in line
               for line in differences(before, altered, lambda nb: "no numbers"))
    assert not [line for line in differences(before, altered, lambda nb: _page_text(site, nb))
                if line.startswith(f"{notebook}:{sentence}:")], "a sentence moved into the page keeps its numbers there"
