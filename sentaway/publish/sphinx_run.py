"""`python -m sentaway.publish.sphinx_run SOURCE OUTPUT DOCTREES MODULES [--wait]`: one Sphinx build of the book, as
`jupyter-book build` runs it (Jupyter Book's configuration from _config.yml and _toc.yml), into folders Sphinx keeps
from one build to the next, so that it reads and writes again only the pages whose sources changed.

Started by sentaway.publish.html, with $SENTAWAY_DATA_READS set: every repository file it reads is noted, and the
package modules it imported are listed in MODULES, for the HTML's key. With --wait it imports everything, waits for
the line "load" on its standard input (its folders are then fit to build on) and loads them, then waits for "build"
before it builds (the build starts it while the notebooks still run).

Jupyter Book's configuration is computed once for the folders and kept beside them (config.json): the folders are
emptied whenever _config.yml or _toc.yml changed (both are in the HTML's key)."""

import json
import os
import sys
import types
from pathlib import Path

import sentaway  # noqa: F401  (first: its hook notes every repository file read from here on, $SENTAWAY_DATA_READS)
from sentaway.paths import REPO, write_imported_modules

CONFIG, TOC = REPO / "_config.yml", REPO / "_toc.yml"
# myst-nb imports its notebook execution engines (jupyter-cache with SQLAlchemy, nbclient) when it loads: half a second
# of every HTML build, for modes this book never uses (execute_notebooks: off; sentaway.publish.runner runs the
# notebooks). They are replaced by stand-ins that stop with this message if ever used.
ENGINES = {"myst_nb.core.execute.cache": "NotebookClientCache", "myst_nb.core.execute.direct": "NotebookClientDirect",
           "myst_nb.core.execute.inline": "NotebookClientInline"}
UNUSED = "the book's HTML step builds with execute_notebooks: off; run Jupyter Book itself to execute notebooks"


def _without_execution_engines() -> None:
    for name, attribute in ENGINES.items():
        if name in sys.modules:
            continue
        module = types.ModuleType(name, f"Stand-in for {name}: {UNUSED}.")

        def unused(*args, **kwargs):
            raise RuntimeError(UNUSED)

        setattr(module, attribute, unused)
        sys.modules[name] = module


_without_execution_engines()

# Imported before waiting, so that the wait is spent on nothing else.
from sphinx.application import Sphinx  # noqa: E402
from sphinx.util.docutils import docutils_namespace, patch_docutils  # noqa: E402

from sentaway.publish import sphinx_ext  # noqa: E402,F401  (the book's extension and what it imports)


def configuration(source: Path, kept: Path) -> dict:
    """Jupyter Book's Sphinx configuration for the book (as `jupyter-book build` computes it), kept in `kept`."""
    if kept.is_file():
        return json.loads(kept.read_text(encoding="utf-8"))
    from jupyter_book.config import get_final_config  # 0.3 s (jsonschema, jupyter_client): only when not kept

    config, _ = get_final_config(user_yaml=CONFIG, cli_config={"external_toc_path": TOC.as_posix(), "nitpicky": True,
                                                               "latex_individualpages": False},
                                 sourcedir=source, use_external_toc=True)
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(json.dumps(config), encoding="utf-8")
    return config


def prepare(kept: Path) -> None:
    """Import what the build will load: Sphinx's own extensions, and the book's, where the configuration is kept."""
    from importlib import import_module  # only here: the imports are the point
    from sphinx.application import builtin_extensions

    names = list(builtin_extensions)
    try:
        names += json.loads(kept.read_text(encoding="utf-8")).get("extensions", [])
    except (OSError, ValueError):
        pass  # not kept (or being emptied by the build): Sphinx imports the rest as it loads
    for name in names:
        import_module(name)
    sphinx_ext.warm()


def main(argv: list[str]) -> int:
    wait = "--wait" in argv
    source, output, doctrees, modules = (Path(a) for a in argv if a != "--wait")
    kept = doctrees.parent / "config.json"
    prepare(kept)
    if wait and sys.stdin.readline().strip() != "load":
        return 1  # the build ended before its folders were known
    config = configuration(source, kept)
    with patch_docutils(None), docutils_namespace():
        # Loading reads the configuration, the environment and the theme, none of which a notebook run writes.
        app = Sphinx(srcdir=str(source), confdir=None, outdir=str(output), doctreedir=str(doctrees), buildername="html",
                     confoverrides=config, status=None, warning=sys.stderr, freshenv=False, warningiserror=True,
                     keep_going=True)
        if wait and sys.stdin.readline().strip() != "build":
            return 1  # the build ended without asking for the HTML
        app.build(False, [])
    write_imported_modules(modules)
    return app.statuscode


def _exit(code: int) -> None:
    """Leave at once: freeing Sphinx's environment object by object at exit takes a quarter of a second the build waits
    for, and nothing is left to write (every file read is noted as it is read, and the modules are written)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    try:
        _exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        _exit(130)
    except Exception as error:  # Sphinx's or an extension's error: one line, the build says the rest
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        _exit(1)
