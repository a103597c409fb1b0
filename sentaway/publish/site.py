"""`make site` (python -m sentaway.publish.site): every recorded release in one offline site, _build/site/.

- The latest release is at the root and every release (the latest too) under v<version>/, each unpacked from its
  deposited archive releases/<version>/sent-away-<version>.zip (checked against the sha256 in its release.json).
  An archive missing there is taken from dist/, or rebuilt into dist/ from the recorded commit in a temporary git
  worktree; if the commit is not in the clone either, the step stops with one line saying which version is missing
  and how to restore it.
- The archives are immutable, so the version bar (switcher, old-version banner, citation of the release) is put
  into every page here, at assembly time, for old and new releases alike. The switcher is plain links written
  per page: pydata-sphinx-theme's own switcher fetch()es its switcher.json, which Chromium refuses for a site
  opened from disk (file://, origin null), and it finds "the same page" with a HEAD request that fails the same
  way. switcher.json (the theme's format, relative URLs) is still shipped at the root for anyone serving the site.
- Pages that moved (releases/moved_pages.csv: 0.1.0 and 0.2.0 kept them under book/executed/) are one page across
  releases: the switcher, the banner and the citations link a page to its counterpart in each version, and every
  earlier release's address at the root answers with a redirect to the page as it is now (keeping its
  #claim-... anchor; with the site's Content-Security-Policy); an earlier page with no counterpart stops the step.
  Its downloads and chart data answer at their old addresses too (the latest file of that name, else its own).
- changes.html: what changed between consecutive releases (sentaway.publish.changes, book/templates/changes.html.j2).
- Assembled in a temporary folder and swapped in whole: a failure leaves the previous _build/site as it was.
"""

import json
import posixpath
import re
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sentaway.publish import anchors, changes, formulas
from sentaway.publish import releases as store
from sentaway.publish.csp import HEAD, META_START, add_policy, known_scripts
from sentaway.paths import BUILD, REPO
from sentaway.publish.releases import Release, ReleaseError

OUT = BUILD / "site"
TEMPLATES = REPO / "book" / "templates"
REGISTER_PAGE = "register.html"  # as the latest layout names it; older copies through releases/moved_pages.csv
HOMES = ("book/index.html", "book/executed/index.html", "index.html")
# Files other than pages an earlier release published at the root, which keep answering there (see the docstring).
KEPT_FILES = ("_downloads/", "chart-data/")
# Before the theme's banner area (which stays hidden until its script has fetched a switcher.json), so the bar
# shows at once and without JavaScript.
BARE_REDIRECT = re.compile(r'\s*<meta http-equiv="refresh" content="\d+; *url=([^"]+)"\s*/?>\s*$', re.I)
THEME_SLOT = re.compile(r'<div class="pst-async-banner-revealer\b')
BODY = re.compile(r"<body\b[^>]*>")


def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]),
                       undefined=StrictUndefined, keep_trailing_newline=True)


def base_urls(config: Path = REPO / "_config.yml") -> str:
    """The book's canonical address, declared once in _config.yml as html.baseurl."""
    try:
        url = (yaml.safe_load(config.read_text(encoding="utf-8")).get("html") or {}).get("baseurl") or ""
    except (OSError, yaml.YAMLError) as error:
        raise ReleaseError(f"{config}: cannot be read ({error})") from None
    if not re.match(r"^https?://", url):
        raise ReleaseError(f"{config}: html.baseurl must be the book's canonical address (https://...), found {url!r}")
    return url if url.endswith("/") else url + "/"


def _is_page(path: Path) -> bool:
    return path.suffix == ".html" and "_static" not in path.parts and "_sources" not in path.parts


def unpack(archive: Path, target: Path) -> set[str]:
    """The archive's site/ folder into target/; returns the pages (paths relative to target)."""
    pages = set()
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            parts = info.filename.split("/")
            if len(parts) < 3 or parts[1] != "site" or info.is_dir():
                continue
            relative = "/".join(parts[2:])
            if relative.startswith("/") or ".." in parts:
                raise ReleaseError(f"{archive}: unsafe member {info.filename}")
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(info) as source, destination.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            if _is_page(Path(relative)):
                pages.add(relative)
    if not any(home in pages for home in HOMES):
        raise ReleaseError(f"{archive}: holds no site/index.html; not a Sent Away archive")
    return pages


def _home(pages: set[str]) -> str:
    return next(h for h in HOMES if h in pages)


def _relative(target: str, page: str) -> str:
    """The link from the page at `page` to `target` (both relative to the site root)."""
    path, _, fragment = target.partition("#")
    link = posixpath.relpath(path, posixpath.dirname(page) or ".")
    return link + ("#" + fragment if fragment else "")


def ensure_archives(recorded: list[Release], dist: Path, repo: Path, root: Path = store.RELEASES,
                    log=print) -> dict[str, Path]:
    """Each release's archive: the deposited one in releases/<version>/, else one in dist/, else rebuilt there."""
    found = {}
    for release in recorded:
        if not store.deposited(release, root).is_file() and not (dist / release.archive).is_file():
            if not store.has_commit(release.commit, repo):
                raise ReleaseError(
                    f"release {release.version}: releases/{release.version}/{release.archive} is missing and its "
                    f"commit {release.commit[:10]} is not in this clone: copy the deposited archive (sha256 "
                    f"{release.sha256[:12]}...) into releases/{release.version}/, or fetch that commit, and run make "
                    "site again")
            log(f"site: releases/{release.version}/{release.archive} is missing; rebuilding it in dist/ from commit "
                f"{release.commit[:10]}")
            store.rebuild(release, dist=dist, repo=repo, log=log)
        archive, state = store.find_archive(release, dist, root)
        if state == "rebuilt":
            log(f"site: {release.version} uses an archive rebuilt from commit {release.commit[:10]} (same sources; "
                "not the deposited bytes, as its pages carry the rebuild's date)")
        found[release.version] = archive
    return found


class Assembly:
    """One assembly of the site: the releases, where each copy lives, which pages each one has, and which page of
    each copy is which page as the latest release names it (`moves`: releases/moved_pages.csv)."""

    def __init__(self, recorded: list[Release], root: Path, baseurl: str, moves: dict[str, str] | None = None):
        self.recorded, self.root, self.baseurl = recorded, root, baseurl
        self.latest = recorded[-1]
        self.moves = moves or {}
        self.pages: dict[str, set[str]] = {}
        self.names: dict[str, dict[str, str]] = {}  # version -> {page as now named: its path in that copy}
        self.template = _env().get_template("versions.html.j2")

    def add(self, version: str, pages: set[str]) -> None:
        self.pages[version] = pages
        names: dict[str, str] = {}
        for page in sorted(pages):
            name = self.name(page)
            # A moved page wins over a page that kept the name (0.2.0's root index.html only redirected to its home).
            if name not in names or names[name] == name:
                names[name] = page
        self.names[version] = names

    def name(self, page: str) -> str:
        return self.moves.get(page, page)

    def counterpart(self, page: str, version: str) -> str | None:
        """The path in `version`'s copy of the page `page` (of any copy) is, or None where it has none."""
        return self.names[version].get(self.name(page))

    def prefix(self, version: str) -> str:
        return f"v{version}/"

    def bar(self, release: Release, page: str, at_root: bool) -> str:
        """The versions bar of one page. `page` is relative to the copy; `where` is its path in the site."""
        where = page if at_root else self.prefix(release.version) + page
        entries = []
        for other in reversed(self.recorded):
            there = self.counterpart(page, other.version)
            target = there or _home(self.pages[other.version])
            if other is not self.latest:  # the latest is read at the root
                target = self.prefix(other.version) + target
            entries.append({"version": other.version, "date": other.date, "href": _relative(target, where),
                            "current": other is release, "latest": other is self.latest, "same_page": there is not None})
        in_latest = self.counterpart(page, self.latest.version)
        latest_page = in_latest or _home(self.pages[self.latest.version])
        banner = None
        if release is not self.latest:
            banner = {"version": self.latest.version, "date": self.latest.date, "same_page": in_latest is not None,
                      "href": _relative(latest_page, where)}
        cite = {"permanent": self.baseurl + self.prefix(release.version) + page, "latest": self.baseurl + latest_page}
        current = {"version": release.version, "date": release.date, "latest": release is self.latest}
        return self.template.render(current=current, entries=entries, banner=banner, cite=cite,
                                    changes_href=_relative("changes.html", where)).strip()

    def decorate(self, release: Release, copy: Path, at_root: bool, pairs: dict[str, str]) -> None:
        css = "_versions/versions.css"
        for page in sorted(self.pages[release.version]):
            path = copy / page
            text = path.read_text(encoding="utf-8")
            where = page if at_root else self.prefix(release.version) + page
            bare = BARE_REDIRECT.match(text)
            if bare:
                # An earlier release's top-level redirect to book/index.html: a bare <meta> with no <head>, so no policy.
                # make site writes its own in its place (same target, with the policy).
                _redirect(self, self.root, where, posixpath.normpath(posixpath.join(posixpath.dirname(where), bare.group(1))))
                continue
            bar = self.bar(release, page, at_root)
            if THEME_SLOT.search(text):
                text = THEME_SLOT.sub(lambda m: bar + "\n" + m.group(0), text, count=1)
            elif BODY.search(text):
                text = BODY.sub(lambda m: m.group(0) + "\n" + bar, text, count=1)
            else:
                raise ReleaseError(f"{release.archive}: {page} has no <body>; cannot add the versions bar")
            assets = (f'<link rel="stylesheet" href="{_relative(css, where)}">\n'
                      f'  <script defer src="{_relative("_versions/versions.js", where)}"></script>')
            text = text.replace("</head>", f"  {assets}\n</head>", 1)
            path.write_text(anchors.add(text, pairs), encoding="utf-8")


def _redirect(site: Assembly, staging: Path, old: str, new: str) -> None:
    """A page at `old` (relative to the site's root) that sends the reader to `new`, keeping the #anchor."""
    template = _env().get_template("redirect.html.j2")
    target = staging / old
    target.parent.mkdir(parents=True, exist_ok=True)
    canonical = site.baseurl + new
    target.write_text(template.render(target=_relative(new, old), canonical=canonical,
                                      script=_relative("_versions/redirect.js", old),
                                      css=_relative("_versions/versions.css", old)), encoding="utf-8")
    add_policy(target, known_scripts(()), old)


def redirect_moved(site: Assembly, staging: Path) -> int:
    """Every address of a moved page keeps answering (releases/moved_pages.csv): at the root, each page an earlier
    release published there and the latest publishes elsewhere redirects to the page as it is now, and its
    downloads and chart data answer where the latest has none at that address; in every release's folder (and at the
    root for the latest), each page answers at its clean address too (v0.2.0/register.html, as a development build
    cites it), redirecting to where that release keeps it. Returns how many redirects were written."""
    latest, written = site.latest, 0
    for release in site.recorded:
        for prefix in [f"v{release.version}/"] + ([""] if release is latest else []):
            for page in sorted(site.pages[release.version]):
                clean = site.name(page)
                if clean != page and not (staging / f"{prefix}{clean}").exists():
                    _redirect(site, staging, f"{prefix}{clean}", f"{prefix}{page}")
                    written += 1
    for release in site.recorded[:-1]:
        copy = staging / f"v{release.version}"
        for path in sorted(p for p in copy.rglob("*") if p.is_file()):
            old = path.relative_to(copy).as_posix()
            if (staging / old).exists():
                continue
            if old in site.pages[release.version]:
                new = site.counterpart(old, latest.version)
                if new is None:
                    raise ReleaseError(f"release {release.version}: its page {old} has no page in {latest.version}; add a "
                                       f"row to releases/{store.MOVES} naming the page that replaces it")
                _redirect(site, staging, old, new)
                written += 1
            elif old.startswith(KEPT_FILES):
                same = sorted(staging.glob(f"{old.split('/')[0]}/**/{path.name}"))
                (staging / old).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(same[0] if len(same) == 1 else path, staging / old)
    return written


def assemble(root: Path = store.RELEASES, dist: Path = store.DIST, out: Path = OUT, repo: Path = REPO,
             config: Path = REPO / "_config.yml", log=print) -> Path:
    recorded = store.load_all(root)
    if not recorded:
        raise ReleaseError(f"no release is recorded in {root}: run make release VERSION=x.y.z first")
    baseurl = base_urls(config)
    pairs = store.renames(root)
    archives = ensure_archives(recorded, dist, repo, root, log=log)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    try:
        site = Assembly(recorded, staging, baseurl, store.moves(root))
        for release in recorded:
            site.add(release.version, unpack(archives[release.version], staging / f"v{release.version}"))
        unpack(archives[site.latest.version], staging)
        for release in recorded:
            site.decorate(release, staging / f"v{release.version}", at_root=False, pairs=pairs)
        site.decorate(site.latest, staging, at_root=True, pairs=pairs)
        (staging / "_versions").mkdir()
        for asset in ("versions.css", "versions.js", "redirect.js"):
            shutil.copyfile(TEMPLATES / asset, staging / "_versions" / asset)
        redirect_moved(site, staging)
        switcher = [{"name": f"{r.version} (latest)" if r is site.latest else r.version, "version": r.version,
                     "url": "./" if r is site.latest else f"v{r.version}/", "preferred": r is site.latest}
                    for r in reversed(recorded)]
        (staging / "switcher.json").write_text(json.dumps(switcher, indent=1) + "\n", encoding="utf-8")
        write_changes(site, staging / "changes.html", root)
        secure(staging)
        old = out.parent / (out.name + ".previous")
        shutil.rmtree(old, ignore_errors=True)
        if out.exists():
            out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def secure(staging: Path) -> None:
    """What every release's pages already are, held for the whole site: every HTML file carries the policy (the theme's
    HTML templates under _static/, never pages, are not published) and every CSV opens in a spreadsheet as data."""
    for path in sorted(staging.rglob("*.html")):
        relative = path.relative_to(staging)
        if "_static" in relative.parts:
            path.unlink()
        elif HEAD + META_START not in path.read_text(encoding="utf-8"):
            raise ReleaseError(f"{relative.as_posix()}: carries no Content-Security-Policy; the site is not assembled")
    formulas.neutralise_site(staging)


def write_changes(site: Assembly, path: Path, root: Path) -> None:
    def link(release: Release, claim_id: str) -> str:
        register = site.names[release.version].get(REGISTER_PAGE)
        return f"v{release.version}/" + (f"{register}#claim-{claim_id}" if register else _home(site.pages[release.version]))

    releases = [{"version": r.version, "date": r.date, "home": f"v{r.version}/{_home(site.pages[r.version])}"}
                for r in site.recorded]
    html = _env().get_template("changes.html.j2").render(
        pairs=changes.all_pairs(site.recorded, root), releases=releases, latest=site.latest,
        latest_home=_home(site.pages[site.latest.version]), link=link)
    path.write_text(html, encoding="utf-8")
    add_policy(path, known_scripts(()), "changes.html")  # the page holds no inline script of its own


def main() -> int:
    start = time.monotonic()
    try:
        out = assemble()
    except ReleaseError as error:
        print(f"site: stopped. {error}", file=sys.stderr)
        return 1
    print(f"site: assembled {len(store.load_all())} release(s) in {time.monotonic() - start:.1f} s. Open:\n"
          f"{out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
