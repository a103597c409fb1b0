"""How official figures moved between releases: every year that more than one release gives."""

import re

import pandas as pd

from sentaway.read import extracts
from sentaway.analysis import words


def _table_name(source_file: str) -> str:
    """The same table across releases: the file name with the release folder and spelling drift removed."""
    return re.sub(r"net_?gain", "netgain", source_file.rsplit("/", 1)[-1])


def _revised(frame: pd.DataFrame, keys: list[str], label) -> pd.DataFrame:
    frame = frame[frame.status == ""].assign(table=frame.source_file.map(_table_name))
    counts = frame.groupby(keys + ["table"]).release.transform("nunique")
    frame = frame[counts > 1]
    rows = []
    for key, group in frame.groupby(keys + ["table"]):
        group = group.sort_values("release")
        first, last = group.iloc[0], group.iloc[-1]
        rows.append({"measure": label(first), "table": key[-1], "year": int(first.year), "first release": first.release,
                     "first value": float(first.value), "latest release": last.release, "latest value": float(last.value),
                     "revision": float(last.value - first.value),
                     "revision (%)": 100 * float(last.value - first.value) / float(first.value) if first.value else float("nan")})
    return pd.DataFrame(rows)


def national_revisions() -> pd.DataFrame:
    placements = extracts.placements()
    placements = placements[(placements.geographic_level == "national") & (placements.provider == "all")
                            & placements.placement.isin(["all", "secure_childrens_homes", "secure_childrens_homes_semi_independent"])]
    missing = extracts.missing()
    missing = missing[(missing.geographic_level == "national") & (missing.placement == "all")
                      & missing.measure.isin(["children_missing", "missing_incidents"])]
    parts = [
        _revised(placements, ["placement", "locality", "year"], lambda r: words.say(
            "revisions_chapter", "measures.placements", placement=r.placement, locality=r.locality)),
        _revised(missing, ["measure", "locality", "year"], lambda r: words.say(
            "revisions_chapter", "measures.missing", measure=r.measure, locality=r.locality)),
    ]
    table = pd.concat(parts, ignore_index=True)
    return table.sort_values(["measure", "table", "year"]).reset_index(drop=True)


def summary(table: pd.DataFrame) -> dict:
    changed = table[table.revision != 0]
    largest = changed.loc[changed["revision (%)"].abs().idxmax()] if not changed.empty else None
    return {"n_revisable": len(table), "n_revised": len(changed),
            "largest_revision_pct": abs(float(largest["revision (%)"])) if largest is not None else 0.0,
            "largest_revision_measure": (f"{largest.measure}, {largest.year}" if largest is not None else "none")}


def verdicts_by_release(register: pd.DataFrame) -> pd.DataFrame:
    """Claims with more than one reading that gives a judgement (another list, year, release or definition), and
    whether the judgement moves with the choice."""
    rows = []
    for row in register.itertuples():
        judged = [r for r in register.attrs.get("readings", {}).get(row.claim_id, [])
                  if r["relation"] != "context" and r["official_value"] is not None]
        if len(judged) < 2:
            continue
        rows.append({"claim": row.claim_id, "verdict": row.verdict,
                     "under each reading": "; ".join(f"{r['rank']}. {r['official_measure']}: {r['verdict']}" for r in judged),
                     "verdict depends on the choice": "yes" if len({r["verdict"] for r in judged}) > 1 else "no"})
    return pd.DataFrame(rows, columns=["claim", "verdict", "under each reading", "verdict depends on the choice"])
