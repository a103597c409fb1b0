"""Small helpers the extract tests share for reading CSV tables independently of the code under test."""

import csv


def raw_dicts(root, rel, encoding="utf-8-sig"):
    with open(root / rel, newline="", encoding=encoding) as handle:
        return list(csv.DictReader(handle))


def one(table, **where):
    found = [row for row in table if all(row[k] == v for k, v in where.items())]
    assert len(found) == 1, (where, len(found))
    return found[0]


def make_raw(root, files: dict[str, str]):
    """A raw folder of small synthetic files (path inside it -> text) with its MANIFEST.csv."""
    import hashlib

    from sentaway.raw.files import RawFiles

    lines = ["path,bytes,sha256,origin_path"]
    for name, text in files.items():
        content = text.encode("utf-8")
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
        lines.append(f"{name},{len(content)},{hashlib.sha256(content).hexdigest()},origin/{name}")
    (root / "MANIFEST.csv").write_text("\n".join(lines) + "\n")
    return RawFiles(root)
