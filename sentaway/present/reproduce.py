"""Figures for the Reproduce page, read at build time: the environment the book ran in (the packages
requirements.txt pins, each with the version installed where this build ran), the raw files' checksums
(data/datapackage.json) and how long the build takes (BENCHMARKS.md, written by `make bench`)."""

import json
import platform
import re
from importlib import metadata

import pandas as pd

from sentaway.analysis import words
from sentaway.paths import REPO, data_file


def environment() -> pd.DataFrame:
    """The packages requirements.txt pins, each with the version installed in the environment that runs this (read
    from the installed package, not from the file), and the pin where it differs."""
    rows = []
    for line in (REPO / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, pinned = line.split("==", 1)
            try:
                installed = metadata.version(name)
            except metadata.PackageNotFoundError:
                installed = words.say("reproduce", "not_installed")
            rows.append({"package": name, "version installed": installed,
                         "pinned": "" if installed == pinned else pinned})
    return pd.DataFrame(rows)


def python_version() -> str:
    return platform.python_version()


def raw_checksums() -> pd.DataFrame:
    """Every raw official file an extract is made from, with its sha256 and release (one row per file)."""
    package = json.loads(data_file("datapackage.json").read_text(encoding="utf-8"))
    rows = {}
    for resource in package["resources"]:
        for source in resource.get("sources", []):
            if "sha256" not in source:
                continue
            row = rows.setdefault(source["title"], {"raw file": source["title"], "sha256": source["sha256"],
                                                    "release": source.get("release", ""), "read into": []})
            row["read into"].append(resource["path"])
    table = pd.DataFrame(rows.values())
    table["read into"] = table["read into"].map(lambda paths: ", ".join(sorted(set(paths))))
    return table.sort_values("raw file").reset_index(drop=True)


def timings() -> pd.DataFrame:
    """How long each step takes, from the figures table of BENCHMARKS.md (median of its runs): its "## Figures"
    section only (the comparison with Jupyter Book above it has rows of the same names)."""
    text = (REPO / "BENCHMARKS.md").read_text(encoding="utf-8")
    text = text[text.find("## Figures"):] if "## Figures" in text else text
    text = text[:text.find("\n## ", 1)] if "\n## " in text[1:] else text
    measured = re.search(r"`python scripts/bench.py[^`]*`\s*\(run on ([^;)]+)", text)
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2:
            continue
        for key, step in words.entry("reproduce", "steps").items():
            if cells[0].startswith(key):
                rows.append({"step": step, "time": cells[1].split(",")[0]})
    frame = pd.DataFrame(rows)
    frame.attrs["measured"] = measured.group(1) if measured else words.say("reproduce", "measured_unknown")
    return frame


def notebook_seconds(name: str) -> str:
    """One chapter's run time in a cold build, from BENCHMARKS.md's "where the time goes" table."""
    for line in (REPO / "BENCHMARKS.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] == name:
            return f"{cells[1]} s"
    return words.say("reproduce", "not_measured")
