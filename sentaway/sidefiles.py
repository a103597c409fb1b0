"""Files a notebook writes beside its page: chart data (CSV), static charts (SVG), the register downloads.

They are never written straight into the book. `make book` names a staging folder for each notebook run
($SENTAWAY_SIDE_FILES); the build moves them into book/executed/ together with the notebook's own
output, and only when the notebook succeeded, and records their checksums in the notebook's cache entry
(so a deleted or altered side file re-runs its notebook). A reviewer's own papermill run writes them only
where that variable points (a folder of their choosing), or nowhere when it is unset.

Paths are relative to book/executed/, the folder Jupyter Book builds from: "extra/..." is published at the
site root (html_extra_path), "downloads/..." is linked from the Downloads page (book/pages/downloads.md), and
"councils/..." holds the council pages' bodies, which the build puts into page frames (sentaway/publish/council_pages.py).
"""

import os
from pathlib import Path, PurePosixPath

ENV = "SENTAWAY_SIDE_FILES"
COUNCILS = "councils"  # the council pages' bodies (sentaway/present/council_pages.py)
AREAS = ("extra", "downloads", COUNCILS)  # the folders of book/executed/ that hold side files and nothing else


def checked(rel: str) -> PurePosixPath:
    """A side file's path, refused if it could leave its folder or name an unexpected place."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] not in AREAS \
            or any(not part or part.startswith(".") for part in path.parts):
        raise ValueError(f"side file {rel!r}: must be a plain path under {' or '.join(AREAS)}/")
    return path


def write(rel: str, text: str) -> Path | None:
    """Write one side file into this run's staging folder; returns where, or None when no folder is set."""
    path = checked(rel)
    folder = os.environ.get(ENV)
    if not folder:
        return None
    target = Path(folder) / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="")
    return target
