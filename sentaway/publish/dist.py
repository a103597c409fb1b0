"""`python -m sentaway.publish.dist`: the citable archive dist/sent-away-<version>.zip (site, data package, claims
register) and its sha256, for depositing a version."""

import hashlib
import sys
import zipfile
from pathlib import Path

from sentaway import __version__
from sentaway.paths import BUILD, DATA, REPO

ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed timestamps: the same inputs give the same archive bytes


def _add(archive: zipfile.ZipFile, path: Path, name: str) -> None:
    info = zipfile.ZipInfo(name, ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, path.read_bytes())


def make(out_dir: Path = REPO / "dist") -> Path:
    site = BUILD / "html"
    register = REPO / "book" / "executed" / "downloads"
    if not (site / "index.html").is_file() or not (register / "claims_register.csv").is_file():
        raise FileNotFoundError("no built book: run `make book` first")
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"sent-away-{__version__}.zip"
    root = f"sent-away-{__version__}"
    with zipfile.ZipFile(target, "w") as archive:
        for path in sorted(p for p in site.rglob("*") if p.is_file()):
            _add(archive, path, f"{root}/site/{path.relative_to(site)}")
        for path in sorted(p for p in DATA.iterdir() if p.is_file()):
            _add(archive, path, f"{root}/data/{path.name}")
        for name in ("claims_register.csv", "claims_register.json"):
            _add(archive, register / name, f"{root}/{name}")
        for name in ("README.md", "CITATION.cff", "CHANGELOG.md", "LICENSE"):
            _add(archive, REPO / name, f"{root}/{name}")
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    (out_dir / f"{target.name}.sha256").write_text(f"{digest}  {target.name}\n")
    return target


def main() -> int:
    try:
        target = make()
    except FileNotFoundError as error:
        print(f"dist: {error}", file=sys.stderr)
        return 1
    print(f"dist: wrote {target} and {target.name}.sha256")
    return 0


if __name__ == "__main__":
    sys.exit(main())
