"""Small helpers the extract tests share for reading CSV tables independently of the code under test."""

import csv


def raw_dicts(root, rel, encoding="utf-8-sig"):
    with open(root / rel, newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle))


def one(table, **where):
    found = [row for row in table if all(row[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, len(found))
    return found[0]
