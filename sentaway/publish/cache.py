"""The notebook cache: each page's key and the plan of what to run.

- Each page of the book is one run of a notebook, named after it; a notebook of several pages (the claims
  chapter: sentaway.read.params.PAGES) runs once per page, with `page` set, and each run has its own output
  (book/executed/<page>.ipynb), cache record (_build/keys/<page>.json) and key.
- A run's key covers what its outputs depend on and nothing else: its code cells (source, and the tags that change
  how they run), its parameters, the repository files its last run read (data/, book/words/...; noted in the run by
  sentaway.paths), the source of the package modules its last run imported, the page templates, the code that records
  its outputs (sentaway/publish/execute.py), the pinned requirements and the Python version. A stale page can never be
  published from old inputs, and an edit to a module no chapter imports (publishing code) re-runs nothing.
- The claims register is computed once per build, before the pages, and kept in _build/register/ with a key of the
  same kind (what it read and imported, the pins, the Python version); every page that shows it reads that one, so its
  bytes are in the page's key, and a page is stale whenever the register is.
- A run is also stale when its output or a side file it wrote is missing or altered (their checksums are recorded).
"""

import hashlib
import json
import platform
from pathlib import Path
from typing import NamedTuple

from sentaway.paths import BUILD, DATA, REPO
from sentaway.read import params as chapter_params

NOTEBOOKS = REPO / "notebooks"
EXECUTED = REPO / "book" / "executed"
KEYS = BUILD / "keys"
TMP = BUILD / "tmp"
# The claims register, computed once per build for every page that shows it.
REGISTER = BUILD / "register"
REQUIREMENTS = REPO / "requirements.txt"
PAGE_TEMPLATES = REPO / "sentaway" / "present" / "templates"
EXECUTOR = REPO / "sentaway" / "publish" / "execute.py"
# Cell tags that change whether or how a code cell runs (papermill, nbclient); other tags only change the page.
EXECUTION_TAGS = {"parameters", "raises-exception", "skip-execution"}


class Run(NamedTuple):
    """One page of the book: a notebook run with the page's parameters, into the page's output and record."""
    notebook: Path
    page: str
    parameters: dict
    output: Path  # book/executed/<page>.ipynb
    record_file: Path  # _build/keys/<page>.json

    @property
    def shown(self) -> str:
        """The run as the messages name it: its notebook, and its page where the notebook makes several."""
        return shown(self.notebook) + ("" if self.page == self.notebook.stem else f", page {self.page}")


def runs(declared: dict[str, dict]) -> list[Run]:
    """Every run of every notebook, with the parameters `declared` (params.yml) gives its page."""
    return [Run(notebook, page, parameters, EXECUTED / f"{page}.ipynb", KEYS / f"{page}.json")
            for notebook in sorted(NOTEBOOKS.glob("*.ipynb"))
            for page, parameters in chapter_params.runs(notebook.stem, declared)]


def shown(path: Path) -> str:
    """A path as the messages show it: relative to the repository where it is inside it."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


class Digests(dict):
    """Each file's sha256, read once per plan (many pages read the same data files and import the same modules)."""

    def of(self, path: Path) -> bytes:
        if path not in self:
            self[path] = hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"<missing>"
        return self[path]


def _hash_named(named, digests: Digests | None = None) -> str:
    """{name shown in the key: path}, hashed by name and content (a missing file hashes as missing)."""
    digests = Digests() if digests is None else digests
    digest = hashlib.sha256()
    for name in sorted(named):
        digest.update(name.encode() + digests.of(named[name]))
    return digest.hexdigest()


def hash_files(paths, digests: Digests | None = None) -> str:
    return _hash_named({shown(path): path for path in paths}, digests)


def data_hash(names, digests: Digests | None = None) -> str:
    """Files of data/, by name."""
    return _hash_named({name: DATA / name for name in set(names)}, digests)


def repo_hash(rels, digests: Digests | None = None) -> str:
    """Files named relative to the repository."""
    return _hash_named({rel: REPO / rel for rel in set(rels)}, digests)


def _cells(notebook: Path) -> list[dict]:
    return json.loads(notebook.read_text(encoding="utf-8"))["cells"]


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def code_hash(notebook: Path) -> str:
    """The notebook's code cells in order: their source and the tags that change how they run. Markdown,
    raw cells, outputs and other metadata (remove-input, notebook metadata) do not change what it computes."""
    code = [(_text(c["source"]), sorted(set(c.get("metadata", {}).get("tags", [])) & EXECUTION_TAGS))
            for c in _cells(notebook) if c["cell_type"] == "code"]
    return hashlib.sha256(json.dumps(code).encode()).hexdigest()


def requirements_hash() -> str:
    """The pinned requirements, without comments and blank lines (they change nothing that is installed)."""
    lines = [line.split("#", 1)[0].strip() for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines()]
    return hashlib.sha256("\n".join(line for line in lines if line).encode()).hexdigest()


def dependencies(reads=(), files=(), modules=(), digests: Digests | None = None) -> dict:
    """What a computation's result depends on besides its own code: the data files (`reads`, names in data/)
    and other repository files (`files`: book/words/...) it read, as sentaway.paths noted them, the source of
    the package modules it imported (`modules`: sentaway/....py), the pinned requirements and the Python version."""
    return {
        "data": data_hash(reads, digests),
        "files": repo_hash(files, digests),
        "modules": repo_hash(modules, digests),
        "requirements": requirements_hash(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
    }


def notebook_key(notebook: Path, parameters: dict, reads=(), files=(), modules=(), digests: Digests | None = None) -> str:
    """What a notebook's output depends on, and nothing else: its code cells, its parameters, and what its last
    run read and imported (dependencies), the page templates and the code that records its outputs."""
    parts = {
        "code": code_hash(notebook),
        "parameters": json.dumps(parameters, sort_keys=True),
        **dependencies(reads, files, modules, digests),
        # page templates; not other .j2 files of the package (data/README.md's, sentaway/extract/metadata), which no page reads
        "templates": hash_files(PAGE_TEMPLATES.rglob("*.j2"), digests),
        "executor": hash_files([EXECUTOR], digests),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def run_inputs(record: dict) -> dict:
    """The inputs a run recorded, as notebook_key takes them."""
    return {name: record.get(name, []) for name in ("reads", "files", "modules")}


def record(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def side_files_intact(kept: dict) -> bool:
    """Every side file the notebook's last run wrote is in book/executed/ with the bytes it wrote."""
    return all(sha(EXECUTED / rel) == digest for rel, digest in kept.get("side", {}).items())


def plan(force: bool = False, digests: Digests | None = None) -> tuple[list[Run], list[Run]]:
    """(stale, fresh): the runs to make, and those to reuse (of which those whose prose changed get it merged
    into their cached output: prose_changed). `digests`: those the build already took of files it does not write."""
    stale, fresh = [], []
    digests = Digests() if digests is None else digests
    # A page that read the register is stale while the register is (its key holds the register's bytes, which
    # change only once the register is computed again). The build computes the register before it plans, so a
    # register computed again with the same bytes leaves its pages fresh.
    register_changed = register_stale(digests)
    for run in runs(chapter_params.read()):  # its values checked against the data by the pre-flight
        kept = record(run.record_file)
        current = notebook_key(run.notebook, run.parameters, **run_inputs(kept), digests=digests)
        if force or not run.output.exists() or kept.get("key") != current or not side_files_intact(kept) \
                or kept.get("output") != sha(run.output) or (register_changed and register_rel() in kept.get("files", [])):
            stale.append(run)
        else:
            fresh.append(run)
    return stale, fresh


def surely_stale(runs: list[Run]) -> bool:
    """Whether some run is stale whatever else the plan finds: its output or record is missing, or its code cells or
    parameters are not those of its last run. A millisecond, where the plan hashes every file the pages read: the
    build starts what the pages run in on it, before the plan."""
    for run in runs:
        kept = record(run.record_file)
        if not kept or not run.output.exists() or kept.get("parameters") != run.parameters \
                or kept.get("code", code_hash(run.notebook)) != code_hash(run.notebook):
            return True
    return False


def prose_changed(run: Run) -> bool:
    """A fresh run (same key) whose notebook differs from the one its cached output was made from."""
    return record(run.record_file).get("source") != sha(run.notebook)


def register_file() -> Path:
    return REGISTER / "register.pickle"


def register_rel() -> str:
    return register_file().relative_to(REPO).as_posix()


def register_key(inputs: dict, digests: Digests | None = None) -> str:
    return hashlib.sha256(json.dumps(dependencies(**inputs, digests=digests), sort_keys=True).encode()).hexdigest()


def register_stale(digests: Digests | None = None) -> bool:
    """Whether the register must be computed again: what its last computation read or imported changed
    (dependencies), or the kept register is missing or altered."""
    kept = record(REGISTER / "record.json")
    return not kept or kept.get("key") != register_key(run_inputs(kept), digests) or kept.get("output") != sha(register_file())
