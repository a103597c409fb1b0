"""What keeps Sphinx's incremental build equal to a full one for this book (sentaway.publish.html builds into one
Sphinx folder, _build/sphinx/, and publishes a copy): Sphinx re-reads and re-writes only the pages whose sources
changed, and three things it would otherwise miss are handled here.

- A source counts as changed when its bytes changed, whatever its file time says (Sphinx itself compares times).
- Every page shows every page's title (the navigation, previous and next) and may link to another's sections: when a
  title, a page's sections or a label changed, or a page came or went, every page is written again.
- Files a full build would not make are removed: the page, its source copy, images and downloads of a page that is
  gone, and published side files (chart data) no longer in the book.
- Words of a page's old text stay in Sphinx's search index with no page (Sphinx 7.4 prunes the pages of a word, not
  the word): such words are dropped before the index is written.
- Where the site was built from (its commit, and whether the tree had uncommitted changes) is not configuration, which
  would make Sphinx read every page again at every commit and first edit: the pages that say it hold a marker, filled in
  as they are written (sentaway.publish.finish), and are written again when it changed.
- A page links a stylesheet with a checksum only if the file is there when the page is written: myst-nb writes its
  stylesheet after the pages, so a full build's pages link it without one, and it is removed before the pages are
  written again, for theirs to match.
"""

import hashlib
from pathlib import Path

from docutils import nodes

from sentaway.publish import stamp

SNAPSHOT = "_sentaway_shared"  # on the app: what every page shows of the others, as the last build left it
DIGESTS = "sentaway_source_digests"  # on the environment (pickled with it): each page's source, as last read
SOURCE_MARKER = "SENTAWAYBUILTFROM"  # the {{ source }} substitution as Sphinx reads it (letters only: written as is)
STAMPED = "sentaway_stamped"  # on the environment: the pages holding the marker
TREE = "sentaway_tree"  # on the environment: what the marker said when they were last read
STATE = "_sentaway_tree_state"  # on the app: what it says in this build


def tree_state(app) -> tuple[str, bool]:
    """(commit, uncommitted changes) of the tree this build comes from, as the build found it (stamp.tree)."""
    if not hasattr(app, STATE):
        setattr(app, STATE, stamp.tree())
    return getattr(app, STATE)


def note_stamped(app, doctree) -> None:
    """doctree-read: whether the page read holds the marker."""
    stamped = getattr(app.env, STAMPED, None)
    if stamped is None:
        stamped = set()
        setattr(app.env, STAMPED, stamped)
    if SOURCE_MARKER in doctree.astext():
        stamped.add(app.env.docname)
    else:
        stamped.discard(app.env.docname)


def _digest(env, docname: str) -> str | None:
    path = Path(env.doc2path(docname))
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _shared(env) -> tuple:
    """What any page may show of the others: the pages, their titles and sections, and the labels they define."""
    pages = {}
    for docname in sorted(env.all_docs):
        title = env.titles.get(docname)
        toc = env.tocs.get(docname)
        sections = [(ref.get("anchorname", ""), ref.astext()) for ref in toc.findall(nodes.reference)] if toc else []
        pages[docname] = (title.astext() if title else "", sections)
    std = env.get_domain("std")
    return pages, sorted(std.labels.items()), sorted(std.anonlabels.items())


def outdated(app, env, added, changed, removed) -> list[str]:
    """env-get-outdated: the pages whose source bytes changed since they were read (and the snapshot of what every
    page shows of the others, before any is read again)."""
    setattr(app, SNAPSHOT, _shared(env))
    digests = getattr(env, DIGESTS, {})
    for docname in removed:
        digests.pop(docname, None)
    changed = {d for d in env.found_docs if d in digests and digests[d] != _digest(env, d)}
    state = list(tree_state(app))
    if getattr(env, TREE, None) != state:  # the pages that say where the site was built from
        changed |= set(getattr(env, STAMPED, set())) & set(env.found_docs)
        setattr(env, TREE, state)  # pickled once the pages are read: a run that stops before reads them again
    return sorted(changed)


def before_read(app, env, docnames) -> None:
    """env-before-read-docs: the bytes of each page about to be read."""
    digests = getattr(env, DIGESTS, None)
    if digests is None:
        digests = {}
        setattr(env, DIGESTS, digests)
    for docname in docnames:
        digests[docname] = _digest(env, docname)


def updated(app, env) -> list[str]:
    """env-get-updated: every page, when what each shows of the others changed."""
    before = getattr(app, SNAPSHOT, None)
    if before is not None and before != _shared(env):
        return sorted(env.found_docs)
    return []


def before_write(app, builder) -> None:
    """write-started: myst-nb's stylesheet out of the output until it writes it again, after the pages."""
    for path in (Path(app.outdir) / "_static").glob("mystnb.*.css"):
        path.unlink()


def drop_empty_terms(app) -> list:
    """html-collect-pages (the last event before Sphinx writes its search index): words no page holds any more out of
    the index (the indexer's term maps, private attributes of Sphinx 7.4's IndexBuilder). Adds no page."""
    indexer = getattr(app.builder, "indexer", None)
    for mapping in (getattr(indexer, "_mapping", {}), getattr(indexer, "_title_mapping", {})):
        for term in [term for term, docnames in mapping.items() if not docnames]:
            del mapping[term]
    return []


def sweep(app, councils=()) -> list[str]:
    """Remove what a full build of the same sources would not make (`councils`: the council pages this build wrote
    from their frame, sentaway.publish.council_pages); the files removed, relative to the output."""
    env, outdir = app.env, Path(app.outdir)
    builder = app.builder
    pages = [*env.found_docs, *councils]
    expected = {f"{d}{builder.out_suffix}" for d in pages} | {"genindex.html", "search.html"}
    sources = set()
    for docname in env.found_docs:  # as Sphinx names a page's copied source
        suffix = Path(env.doc2path(docname)).suffix
        link = app.config.html_sourcelink_suffix
        sources.add(f"_sources/{docname}{suffix}{link if suffix != link else ''}")
    images = {uniq for _, uniq in env.images.values()}
    downloads = {dest for _, dest in env.dlfiles.values()}
    extra = set()
    for entry in app.config.html_extra_path:
        root = Path(app.confdir) / entry
        for path in root.rglob("*") if root.is_dir() else []:
            if path.is_file():
                extra.add(path.relative_to(root).as_posix())
    kept = {".buildinfo", "objects.inv", "searchindex.js"}  # Sphinx writes these whole on every build
    removed = []
    for path in sorted(p for p in outdir.rglob("*") if p.is_file()):
        rel = path.relative_to(outdir).as_posix()
        top = rel.split("/")[0]
        if top == "_static" or rel in kept or rel in extra:
            continue
        if top == "_sources":
            stale = rel not in sources
        elif top == "_images":
            stale = rel.removeprefix("_images/") not in images
        elif top == "_downloads":
            stale = rel.removeprefix("_downloads/") not in downloads
        elif "/" not in rel and rel.endswith(builder.out_suffix):
            stale = rel not in expected
        else:
            stale = True  # a published side file no longer in the book
        if stale:
            path.unlink()
            removed.append(rel)
    return removed
