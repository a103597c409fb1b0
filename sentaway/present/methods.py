"""The methods page: every raw file used, with release, checksum and licence, from data/datapackage.json."""

import json

import pandas as pd

from sentaway.analysis import words
from sentaway.paths import data_file
from sentaway.raw.suppression import CODES


def sources_table() -> pd.DataFrame:
    package = json.loads(data_file("datapackage.json").read_text(encoding="utf-8"))
    publishers = words.entry("methods", "publishers")
    rows = []
    for resource in package["resources"]:
        licence = ", ".join(item["title"] for item in resource.get("licenses", package["licenses"]))
        for source in resource["sources"]:
            publisher = next((name for prefix, name in publishers.items() if source["title"].startswith(prefix)), "")
            rows.append({"raw file": source["title"], "publisher": publisher, "release": source["release"],
                         "used for": resource["path"], "sha256": source["sha256"], "licence": licence})
    return pd.DataFrame(rows).sort_values(["used for", "raw file"]).reset_index(drop=True)


def suppression_table() -> pd.DataFrame:
    read_as = words.say("methods", "suppressed_read_as")
    return pd.DataFrame([{"symbol": code, "meaning": meaning, "read as": read_as}
                         for code, meaning in CODES.items()])
