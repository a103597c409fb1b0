"""Replace the theme's 1.5 MB Font Awesome script with a stylesheet holding only the icons the pages use.

The pydata theme draws its ~15 interface icons (search, menu, contents, previous/next...) by loading all of
Font Awesome as JavaScript on every page. Here the SVG paths of the icons actually used are read from that
same file (the installed theme's copy) and written as CSS masks; the script tag is removed from the pages.
Font Awesome Free icons: CC BY 4.0 (https://fontawesome.com/license/free).
"""

import re
import shutil
from pathlib import Path
from urllib.parse import quote

# The theme's Font Awesome: a script (pydata-sphinx-theme 0.17: scripts/fontawesome.js; 0.15: vendor/fontawesome/
# <version>/js/all.min.js), and in 0.15 also its stylesheet and three preloaded web fonts.
SCRIPT = re.compile(r'\s*<script(?: defer)? src="[^"]*_static/(?:scripts/fontawesome\.js|vendor/fontawesome/[^"]*/all\.min\.js)[^"]*"></script>')
EXTRAS = re.compile(r'\s*<link (?:href="[^"]*_static/vendor/fontawesome/[^"]*" rel="stylesheet"|rel="preload" as="(?:font|script)"[^>]*'
                    r'(?:vendor/fontawesome/|fontawesome\.js)[^>]*)\s*/?>')
CLASSES = re.compile(r'class="([^"]*\bfa-[^"]*)"')
MODIFIERS = {"solid", "regular", "brands", "lg", "xl", "sm", "xs", "fw", "2x", "3x", "spin"}
ICON = re.compile(r'(?:"([a-z0-9-]+)"|([a-z][a-z0-9_]*)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]*","([^"]+)"\]')
CSS_NAME = "sentaway-icons.css"


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
        "/* Font Awesome Free icons (CC BY 4.0), only those the pages use; written by sentaway/publish/icons.py. */",
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


def replace_in_site(outdir: Path, fontawesome_js: Path) -> None:
    pages = [p for p in outdir.rglob("*.html") if "_static" not in p.parts]
    names = set()
    for page in pages:
        for classes in CLASSES.findall(page.read_text(encoding="utf-8")):
            names |= {token[3:] for token in classes.split() if token.startswith("fa-") and token[3:] not in MODIFIERS}
    font = fontawesome_js.parent.parent / "webfonts" / "fa-solid-900.woff2"
    if font.is_file():
        shutil.copyfile(font, outdir / "_static" / FONT_NAME)
    (outdir / "_static" / CSS_NAME).write_text(
        stylesheet(names, solid_icons(fontawesome_js.read_text(encoding="utf-8")), font=font.is_file()), encoding="utf-8")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        match = SCRIPT.search(text)
        if not match:
            continue
        static = match.group(0).split('src="', 1)[1].split("_static/")[0]
        link = f'\n    <link rel="stylesheet" type="text/css" href="{static}_static/{CSS_NAME}" />'
        text = text[:match.start()] + link + text[match.end():]
        text = EXTRAS.sub("", text)
        page.write_text(text, encoding="utf-8")
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
