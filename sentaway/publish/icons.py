"""The theme's ~15 interface icons (search, menu, contents, previous/next...) from a small committed stylesheet,
book/assets/sentaway-icons.css, instead of the 1.5 MB Font Awesome script the pydata theme loads on every page.

Each page, as Sphinx writes it, gets the stylesheet in place of the script (`page`), and a page using an icon the
stylesheet lacks stops the build, naming the icon. The stylesheet is written by a maintainer, from the SVG paths in the
installed theme's own copy of Font Awesome, for the icons the built site uses:
`python -m sentaway.publish.icons` (after a theme upgrade, or when the build names a missing icon).
Font Awesome Free icons: CC BY 4.0 (https://fontawesome.com/license/free).
"""

import re
import shutil
import sys
from pathlib import Path
from urllib.parse import quote

from sentaway.paths import BUILD, REPO

# The theme's Font Awesome: a script (pydata-sphinx-theme 0.17: scripts/fontawesome.js; 0.15: vendor/fontawesome/
# <version>/js/all.min.js), and in 0.15 also its stylesheet and three preloaded web fonts.
SCRIPT = re.compile(r'\s*<script(?: defer)? src="[^"]*_static/(?:scripts/fontawesome\.js|vendor/fontawesome/[^"]*/all\.min\.js)[^"]*"></script>')
EXTRAS = re.compile(r'\s*<link (?:href="[^"]*_static/vendor/fontawesome/[^"]*" rel="stylesheet"|rel="preload" as="(?:font|script)"[^>]*'
                    r'(?:vendor/fontawesome/|fontawesome\.js)[^>]*)\s*/?>')
CLASSES = re.compile(r'class="([^"]*\bfa-[^"]*)"')
MODIFIERS = {"solid", "regular", "brands", "lg", "xl", "sm", "xs", "fw", "2x", "3x", "spin"}
ICON = re.compile(r'(?:"([a-z0-9-]+)"|([a-z][a-z0-9_]*)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]*","([^"]+)"\]')
CSS_NAME = "sentaway-icons.css"
STYLESHEET = REPO / "book" / "assets" / CSS_NAME
DEFINED = re.compile(r"^\.fa-([a-z0-9-]+)::before", re.M)


class IconError(ValueError):
    """A page uses an icon the committed stylesheet does not draw."""


def solid_icons(fontawesome_js: str) -> dict[str, tuple[int, int, str]]:
    """{name: (width, height, path)} for the solid (fas) pack."""
    end = fontawesome_js.index('d("fas",p)')
    start = fontawesome_js.rindex("var p={", 0, end)
    icons = {}
    for match in ICON.finditer(fontawesome_js, start, end):
        name = match.group(1) or match.group(2)
        icons.setdefault(name, (int(match.group(3)), int(match.group(4)), match.group(5)))
    return icons


FONT_NAME = "sentaway-fa-solid-900.woff2"
# The theme's stylesheets draw a few icons as Font Awesome glyphs in ::before/::after (admonitions, download
# links, previous/next arrows); those need the solid web font (SIL OFL 1.1), loaded only by pages that use it.
FONT_RULES = ('@font-face { font-family: "Font Awesome 6 Free"; font-style: normal; font-weight: 900; font-display: block;'
              f' src: url("{FONT_NAME}") format("woff2"); }}\n'
              ':root { --fa-font-solid: normal 900 1em/1 "Font Awesome 6 Free"; }')


def stylesheet(names: set[str], icons: dict, font: bool = False) -> str:
    missing = sorted(name for name in names if name not in icons)
    if missing:
        raise KeyError(f"icons used by the theme but not in Font Awesome's solid pack: {', '.join(missing)}")
    rules = [
        "/* Font Awesome Free icons (CC BY 4.0), only those the pages use; written by `python -m sentaway.publish.icons`. */",
        *([FONT_RULES] if font else []),
        ".fa-lg { font-size: 1.25em; }",
        "i[class*='fa-']::before, span[class*='fa-']::before { content: ''; display: inline-block; height: 1em; vertical-align: -0.125em;"
        " background-color: currentColor; -webkit-mask: var(--sa-icon) no-repeat center / contain;"
        " mask: var(--sa-icon) no-repeat center / contain; }",
    ]
    for name in sorted(names):
        width, height, path = icons[name]
        svg = f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}'><path d='{path}'/></svg>"
        rules.append(f'.fa-{name}::before {{ width: {width / height:.4f}em; --sa-icon: url("data:image/svg+xml,{quote(svg)}"); }}')
    return "\n".join(rules) + "\n"


def used(text: str) -> set[str]:
    """The icons a page's HTML names (fa-<name> classes, modifiers aside)."""
    return {token[3:] for classes in CLASSES.findall(text) for token in classes.split()
            if token.startswith("fa-") and token[3:] not in MODIFIERS}


def defined(css: str) -> set[str]:
    """The icons a stylesheet written by `stylesheet` draws."""
    return set(DEFINED.findall(css))


def page(text: str, drawn: set[str], name: str) -> str:
    """A page with the icon stylesheet linked where the theme loads Font Awesome's script (and its preloads gone);
    IconError if it uses an icon the stylesheet does not draw."""
    missing = sorted(used(text) - drawn)
    if missing:
        raise IconError(f"{name} uses the icon(s) {', '.join('fa-' + m for m in missing)}, which "
                        f"{STYLESHEET.relative_to(REPO)} does not draw: run `python -m sentaway.publish.icons`")
    match = SCRIPT.search(text)
    if not match:
        return text
    static = match.group(0).split('src="', 1)[1].split("_static/")[0]
    link = f'\n    <link rel="stylesheet" type="text/css" href="{static}_static/{CSS_NAME}" />'
    return EXTRAS.sub("", text[:match.start()] + link + text[match.end():])


def finish_static(outdir: Path, theme_static: Path) -> None:
    """The theme's Font Awesome files out of the site; the solid web font its stylesheets use kept, beside ours."""
    font = theme_script(theme_static).parent.parent / "webfonts" / "fa-solid-900.woff2"
    target = outdir / "_static" / FONT_NAME
    if font.is_file() and (not target.is_file() or target.read_bytes() != font.read_bytes()):
        shutil.copyfile(font, target)
    (outdir / "_static" / "scripts" / "fontawesome.js").unlink(missing_ok=True)
    (outdir / "_static" / "scripts" / "fontawesome.js.map").unlink(missing_ok=True)
    shutil.rmtree(outdir / "_static" / "vendor" / "fontawesome", ignore_errors=True)


def theme_script(static: Path) -> Path:
    """The installed theme's Font Awesome script (its location differs between theme versions)."""
    found = [static / "scripts" / "fontawesome.js"] + sorted(static.glob("vendor/fontawesome/*/js/all.min.js"))
    for path in found:
        if path.is_file():
            return path
    raise FileNotFoundError(f"no Font Awesome script in the theme's static folder {static}")


def theme_static() -> Path:
    import pydata_sphinx_theme  # the installed theme (a maintainer's command, and the Sphinx build, have it)

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def main(argv: list[str]) -> int:
    """Write the stylesheet for the icons a built site uses (argv[0], default _build/html) and those it already
    draws, from the installed theme's Font Awesome."""
    site = Path(argv[0]) if argv else BUILD / "html"
    names = defined(STYLESHEET.read_text(encoding="utf-8")) if STYLESHEET.is_file() else set()
    for path in site.rglob("*.html"):
        if "_static" not in path.parts:
            names |= used(path.read_text(encoding="utf-8"))
    script = theme_script(theme_static())
    font = (script.parent.parent / "webfonts" / "fa-solid-900.woff2").is_file()
    STYLESHEET.write_text(stylesheet(names, solid_icons(script.read_text(encoding="utf-8")), font=font), encoding="utf-8")
    print(f"icons: wrote {STYLESHEET.relative_to(REPO)} ({len(names)} icons)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
