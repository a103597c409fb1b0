"""`python -m sentaway.publish.run NOTEBOOK OUT_DIR [-p NAME VALUE]...`: a reviewer's run of one chapter.

Runs the notebook in this process as `make book` runs a page (sentaway.publish.execute), with params.yml's values for the chapter and any `-p` given, after
checking every name and value against the data (a misspelt name is refused before anything runs). A
notebook of several pages (notebooks/claims.ipynb) makes the one `-p page NAME` names, its first page by
default. It writes only under OUT_DIR, a folder of the reviewer's choosing: OUT_DIR/<page>.ipynb (the
chapter's name, for a notebook of one page) and the side files the chapter makes
(OUT_DIR/extra/chart-data/..., OUT_DIR/downloads/...). The book's own folders are refused, so a
reviewer's run can never be published by `make book`.
"""

import os
import sys
from pathlib import Path

import yaml

from sentaway.read import params
from sentaway import sidefiles
from sentaway.paths import BUILD, READS_ENV, REGISTER_ENV, REPO
from sentaway.publish import execute
from sentaway.publish.cache import shown
from sentaway.publish.runner import run_env

USAGE = "usage: python -m sentaway.publish.run NOTEBOOK OUT_DIR [-p NAME VALUE]..."


class RunError(ValueError):
    pass


def parse(argv: list[str]) -> tuple[Path, Path, dict]:
    if len(argv) < 2:
        raise RunError(USAGE)
    notebook, out, rest = Path(argv[0]), Path(argv[1]).absolute(), argv[2:]
    given = {}
    while rest:
        if rest[0] not in ("-p", "--parameters") or len(rest) < 3:
            raise RunError(f"{rest[0]!r}: expected -p NAME VALUE; {USAGE}")
        name, text = rest[1], rest[2]
        try:
            given[name] = yaml.safe_load(text)  # as papermill reads -p: 2013 is a number, abc a string
        except yaml.YAMLError:
            given[name] = text
        rest = rest[3:]
    if not notebook.is_file():
        raise RunError(f"{notebook}: no such notebook")
    for inside in (REPO / "book", BUILD, REPO / "data", REPO / "notebooks"):
        if out == inside or out.is_relative_to(inside):
            raise RunError(f"{out}: inside the book's own folder {inside.relative_to(REPO)}/; choose a folder of your own")
    return notebook, out, given


def main(argv: list[str]) -> int:
    try:
        notebook, out, given = parse(argv)
        chapter = notebook.stem
        declared = dict(params.runs(chapter, params.load()))  # {page: its parameters}; most chapters are one page
        page = given.get("page", next(iter(declared)))
        values = {**declared.get(page, {}), **given}
        params.check(chapter, values)
        written = out / f"{page}.ipynb"
        out.mkdir(parents=True, exist_ok=True)
        os.environ[sidefiles.ENV] = str(out)
        os.environ.pop(READS_ENV, None)
        os.environ.pop(REGISTER_ENV, None)  # the chapter computes the register itself
        os.environ.update(run_env())
        execute.run_notebook(notebook, values, written, REPO)
    except (RunError, params.ParameterError) as error:
        print(f"run: stopped before running anything. {error}", file=sys.stderr)
        return 1
    except execute.CellError as error:
        print(f"run: stopped. {shown(notebook.absolute())} failed in {error}", file=sys.stderr)
        return 1
    print(f"run: wrote {written} and its side files under {out}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
