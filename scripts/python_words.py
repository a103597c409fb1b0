"""How many words a reader sees come from Python string literals (the book's words belong in notebooks,
book/ and templates). Prints the count and the modules that supply most.

    .venv/bin/python scripts/python_words.py [SITE_DIR] [--package DIR]

A literal counts when it holds at least three words and its words stand, in order, in the text of a
built page (f-string literals are split at their placeholders; docstrings are not counted). Each literal is
counted once, however many pages show it. A literal without a space (a file name, a column or placement code
such as secure_childrens_homes) is an identifier the data carries, not words written for a reader.

0.1.0 (its package and its built site, dist/sent-away-0.1.0.zip): 1,927 words; the target is under a fifth.
"""

import argparse
import ast
import html.parser
import re
import sys
from collections import Counter
from pathlib import Path

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
SPACE = re.compile(r"\s")


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(site: Path) -> str:
    texts = []
    for path in sorted(site.rglob("*.html")):
        if "_static" in path.parts or path.name in ("genindex.html", "search.html"):
            continue
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        texts.append(" ".join(parser.parts))
    return " " + " ".join(" ".join(WORD.findall(t)).lower() for t in texts) + " "


def literals(package: Path):
    """(module, text) for every string literal piece outside docstrings."""
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                yield path.relative_to(package.parent).as_posix(), node.value


def count(site: Path, package: Path) -> tuple[int, Counter]:
    text = page_text(site)
    by_module, seen = Counter(), set()
    for module, value in literals(package):
        words = [w.lower() for w in WORD.findall(value)]
        if not SPACE.search(value.strip()) or len(words) < 3 or (module, value) in seen:
            continue
        seen.add((module, value))
        if f" {' '.join(words)} " in text:
            by_module[module] += len(words)
    return sum(by_module.values()), by_module


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default="_build/html")
    parser.add_argument("--package", default="sentaway")
    args = parser.parse_args(argv)
    site, package = Path(args.site), Path(args.package)
    if not (site / "index.html").is_file():
        print(f"python_words: no built site at {site} (run make book first)", file=sys.stderr)
        return 1
    total, by_module = count(site, package)
    print(f"words a reader sees that come from Python string literals: {total}")
    for module, n in by_module.most_common(10):
        print(f"  {n:6d}  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
