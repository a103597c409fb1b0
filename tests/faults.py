"""What the fault tests share: a folder's checksums, the one line a user is told, the environment of a run
they start, and editing one cell of a CSV file.

Each fault is injected into a temporary copy (of the repository, the raw files or one file) and the exact outcome
asserted: one line naming the file (and line, column, value), nothing half-made left, and the previous site and
data/ byte-identical; or success with what is published matching a fresh computation.
"""

import csv
import hashlib
import io
import os
import subprocess
import time
from pathlib import Path

from sentaway import sidefiles
from sentaway.paths import DATA, REPO, data_lock, raw_dir, transcribed_dir

KERNEL_NOISE = "[IPKernelApp]"
SHARE = "ooa-share-2018-localgov"  # a statistical claim whose value is a share, in percent


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()} if folder.exists() else {}


def the_message(stderr: str) -> str:
    """What the user is told: exactly one line (the kernels' own start-up warnings aside), no traceback."""
    assert "Traceback" not in stderr, stderr[-3000:]
    lines = [line for line in stderr.strip().splitlines() if line and KERNEL_NOISE not in line]
    assert len(lines) == 1, stderr[-3000:]
    return lines[0]


def run_env(**extra) -> dict:
    """The environment for a build, extraction or run the test starts: this machine's raw and transcribed files,
    and none of the variables a build sets for its own notebooks."""
    env = {k: v for k, v in os.environ.items() if k not in (sidefiles.ENV, "SENTAWAY_DATA_READS")}
    env.update({"SENTAWAY_RAW": str(raw_dir()), "SENTAWAY_TRANSCRIBED": str(transcribed_dir()), **extra})
    return env


def replace_cell(text: str, line: int, column: str, value: str) -> str:
    rows = list(csv.reader(io.StringIO(text)))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def claims_line(claim_id: str) -> int:
    rows = list(csv.DictReader(io.StringIO((DATA / "claims.csv").read_text(encoding="utf-8"))))
    return next(i for i, row in enumerate(rows, start=2) if row["claim_id"] == claim_id)


SHARE = "ooa-share-2018-localgov"  # a statistical share, in percent


def waits_while_locked(command: list[str], data, who: str, env: dict | None = None) -> str:
    """Run `command` while this test holds `data`'s lock, as a make data or make book would: it must say it waits,
    and do nothing until the lock is let go; then it finishes. Returns its output."""
    with data_lock(data, "test"):
        process = subprocess.Popen(command, cwd=REPO, env=env or run_env(), text=True, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE)
        first = process.stdout.readline()
        while first and "waiting for" not in first:
            first = process.stdout.readline()
        assert first.startswith(f"{who}: waiting for the make data or make book already running on {data}"), first
        time.sleep(1)
        assert process.poll() is None, "it went on while the other held the lock"
    out, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    return out


# ---------------------------------------------------------------- foreign text: markup in every text column

# Columns of data/ that take no foreign text, each with why: a code, key or number the code reads, not words a
# page shows. Every other string column of every extract (data/datapackage.json) and of claims.csv (its schema)
# gets the markup, so a new text column is covered without being listed. A file's key columns do not: they are the
# identities the analyses join on (a placement's code; a region's or a council's name, area_name, where markup stops
# the regional claims and the growth chapter's matching of councils instead of reaching a page; the tables that do
# show a council's name escape every cell).
NOT_TEXT = {
    "release": "a release's name: the key every file joins on, given by the project (sentaway/extract/releases.yml)",
    "source_file": "a raw file's path, checked against MANIFEST.csv",
    "source_files": "raw files' paths, checked against MANIFEST.csv",
    "rounding": "the publisher's rounding, read as a step",
    "years": "a year or a span, read as numbers",
    "published_date": "a date",
    "table_footnotes": "footnote numbers, looked up in sfr50_national_notes.csv",
    "row_footnotes": "footnote numbers, looked up in sfr50_national_notes.csv",
    "region_code": "an ONS code", "imd_area_code": "an ONS code", "ruc_area_code": "an ONS code",
    "imd_match": "how a council was matched (a code)", "ruc_match": "how a council was matched (a code)",
    "dataset_id": "an EES data set's id", "country_code": "an ONS code", "geographic_level": "a level's code",
    "unit": "a unit's code", "cited_value": "a number (the cited-value rule)",
}
# Files of data/ that no schema describes (written by hand, as data about the claims): their words.
HAND_WRITTEN_TEXT = {"readings.csv": ["reason"], "provenance.csv": ["note"], "quote_links.csv": ["title", "note", "url"],
                     "release_links.csv": ["title", "url"], "release_calendar.csv": ["title", "date_source"],
                     "council_changes.csv": ["what", "source", "url", "url_title"], "claim_councils.csv": ["note"]}
# A hand-written file's column that names a claim by one of its text columns (claim_councils.csv: a speaker or an
# outlet) follows that column: it names the claim as its file now prints it.
FOLLOWS = {"claim_councils.csv": ("match", "value", "claims.csv")}
MARKER = "sa-injected"


def markup(column: str, outside: Path) -> str:
    """What a hostile or careless source could print in a cell: HTML, a script, a refresh to another site, a style
    hiding every verdict, an image and a download of a file outside the repository (Markdown and MyST), a heading and
    a table on lines of their own, and a formula. `column` ('file.csv:name') is named inside, unquoted (smart quotes
    would change a quoted one)."""
    return (f" <{MARKER} data-col={column}></{MARKER}><script>window.pwned=1</script><img src=x onerror=\"window.pwned=1\">"
            f'<!--<meta http-equiv="refresh" content="0; url=https://example.org/{column}"><style>.sa-badge{{display:none}}'
            f"</style>![x]({outside}) <img src=\"{outside}\"> *em-{column}* [link](https://example.org/{column}) "
            f"{{download}}`{outside}` =1+1\n\n## heading-{column}\n| a | b |")


def text_columns(data: Path) -> dict[str, list[str]]:
    """Every text column of data/: file -> columns (see NOT_TEXT)."""
    import json

    def words(fields, key=()) -> list[str]:
        return [f["name"] for f in fields if f.get("type") == "string" and f["name"] not in NOT_TEXT and f["name"] not in key
                and not {"enum", "pattern"} & set(f.get("constraints", {}))]

    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    found = {r["path"]: words(r["schema"]["fields"], r["schema"].get("primaryKey", [])) for r in package["resources"]}
    found["claims.csv"] = words(json.loads((data / "claims.schema.json").read_text(encoding="utf-8"))["fields"])
    return {**found, **HAND_WRITTEN_TEXT}


# What a spreadsheet runs as a formula when a cell starts with it (OWASP, CSV injection); one per column, in turn.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula(column: str, index: int) -> str:
    return f'{FORMULA_STARTS[index % len(FORMULA_STARTS)]}HYPERLINK("https://example.org/{column}") '


def inject_markup(data: Path, outside: Path) -> dict[str, list[str]]:
    """Put a formula before and markup() after every non-empty cell of every text column of `data` (a copy's data/);
    the columns."""
    columns = text_columns(data)

    def injected(name: str, column: str, index: int, value: str) -> str:
        # An address must stay one (the links' own check refuses any other): the markup only after it.
        start = "" if column == "url" or column.endswith("_url") else formula(f"{name}:{column}", index)
        return start + value + markup(f"{name}:{column}", outside)

    for name, names in columns.items():
        path = data / name
        rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        for row in rows:
            for index, column in enumerate(names):
                if row[column]:
                    row[column] = injected(name, column, index, row[column])
            if name in FOLLOWS:
                which, value, other = FOLLOWS[name]
                if row[which] in columns[other]:
                    row[value] = injected(other, row[which], columns[other].index(row[which]), row[value])
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        path.write_text(out.getvalue(), encoding="utf-8")
    return columns


def foreign_content(site: Path, outside: Path) -> tuple[list[str], dict[str, set[str]]]:
    """(what of the markup is live anywhere in `site`, {column: the pages showing its markup as text}). Live: an
    element, script, refresh, style, image, link, emphasis or heading it made, or the outside file's bytes or name in
    any published file."""
    import re

    import warnings

    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)  # the charts' SVG files, read as a browser would

    secret, live, shown = outside.read_bytes(), [], {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if secret in data or path.name == outside.name:
            live.append(f"{rel}: the outside file was copied")
        if path.suffix not in (".html", ".svg"):
            continue
        soup = BeautifulSoup(data.decode("utf-8"), "html.parser")
        checks = {
            "element": soup.find_all(MARKER),
            "refresh": soup.find_all("meta", attrs={"http-equiv": re.compile("refresh", re.I)}),
            "style": [s for s in soup.find_all("style") if "sa-badge" in s.text],
            "script": [s for s in soup.find_all("script") if "pwned" in s.text and not s.get("type")],
            "image": [i for i in soup.find_all("img") if i.get("src") in ("x", str(outside)) or "onerror" in i.attrs],
            # A link the markup made (a data file's own address column keeps its words in the address, escaped).
            "link": [a for a in soup.find_all("a") if (a.get("href") or "").startswith(("https://example.org", str(outside)))],
            "emphasis": [e for e in soup.find_all(["em", "strong"]) if e.text.strip().startswith("em-")],
            "heading": [h for h in soup.find_all(re.compile("^h[1-6]$")) if h.text.strip().startswith("heading-")],
        }
        live += [f"{rel}: {kind} {str(found[0])[:120]}" for kind, found in checks.items() if found]
        for column in re.findall(rf"<{MARKER} data-col=([^ >]+)>", soup.get_text(" ")):
            shown.setdefault(column, set()).add(rel)
    return live, shown


def _csv_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def offered_csv_problems(root: Path) -> list[str]:
    """Every CSV a built copy's site offers against what it was made from (data/, the register's and the charts' side
    files in book/executed/): the same cells, except that a cell a spreadsheet would run as a formula has a quote
    before it; a number (a negative one too) is unchanged. The problems found, one a line."""
    from sentaway.publish.formulas import NUMBER, TRIGGERS

    site, problems = root / "_build/html", []
    for offered in sorted(site.rglob("*.csv")):
        rel = offered.relative_to(site).as_posix()
        source = {"chart-data": root / "book/executed/extra/chart-data" / offered.name,
                  "_downloads": root / "data" / offered.name}.get(rel.split("/")[0])
        if rel.startswith("_downloads") and offered.name.startswith("claims_register."):
            source = root / "book/executed/downloads" / offered.name
        if source is None or not source.is_file():
            problems.append(f"{rel}: offered, but made from nothing known")
            continue
        made, shown = _csv_rows(source), _csv_rows(offered)
        if [len(r) for r in made] != [len(r) for r in shown]:
            problems.append(f"{rel}: rows or columns differ from {source.relative_to(root)}")
            continue
        for line, (was, now) in enumerate(zip(made, shown), start=1):
            for cell, safe in zip(was, now):
                runs = cell.startswith(TRIGGERS) and not NUMBER.fullmatch(cell)
                if safe != ("'" + cell if runs else cell):
                    problems.append(f"{rel}, line {line}: {cell[:40]!r} offered as {safe[:40]!r}")
    return problems


# ---------------------------------------------------------------- faults of the machine, injected into a process

SITECUSTOMIZE = '''
"""Faults of the machine for a test's subprocess (tests/faults.py, machine_faults): imported at start-up."""
import builtins, errno, io, os

_FULL = os.environ.get("SENTAWAY_TEST_FULL_DISK")


class _Full:
    """A file on a full disk: it opens, but a write fails as the kernel fails it (ENOSPC, no file name)."""

    def __init__(self, handle):
        self._handle = handle

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    writelines = write

    def __getattr__(self, name):
        return getattr(self._handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()

    def __iter__(self):
        return iter(self._handle)


if _FULL:
    _open = io.open

    def _opened(file, mode="r", *args, **kwargs):
        handle = _open(file, mode, *args, **kwargs)
        writing = any(m in mode for m in "wax+")
        if writing and isinstance(file, (str, os.PathLike)) and os.path.abspath(os.fspath(file)).startswith(_FULL):
            return _Full(handle)
        return handle

    builtins.open = io.open = _opened
'''


def machine_faults(folder: Path, **env) -> dict:
    """The environment of a run (run_env) with a machine fault injected into it and every process it starts:
    SENTAWAY_TEST_FULL_DISK=<folder>: every file opened for writing under that folder fails its writes with ENOSPC,
    as on a full disk. `folder` receives the sitecustomize.py that does it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    base = run_env()
    return {**base, "PYTHONPATH": os.pathsep.join(filter(None, [str(folder), base.get("PYTHONPATH", "")])), **env}
