"""Text from a data file is text on every page (issue 24, point 1): one way into a page's prose
(sentaway.present.chapter), where a string is escaped and only the book's own Markdown (words.Prose) is not. The
whole book with markup in every text column of data/ is built in tests/publish/test_faults.py."""

import ast
import json
from pathlib import Path

from markdown_it import MarkdownIt

from sentaway.analysis import words
from sentaway.present import chapter

REPO = Path(__file__).resolve().parents[2]
HOSTILE = ('<meta http-equiv="refresh" content="0; url=https://example.org"><style>.sa-badge{display:none}</style>'
           '![x](/etc/passwd) {download}`/etc/passwd` [a](javascript:x) *em* `code` &amp; \\ \n\n# heading\n| a | b |')


def rendered(markdown: str) -> str:
    return MarkdownIt("commonmark").render(markdown)  # raw HTML on, as MyST's parser has it


def test_a_string_pasted_anywhere_is_text():
    pasted = chapter.as_pasted(HOSTILE)
    assert isinstance(pasted, chapter.Words)
    html = rendered(pasted._repr_markdown_())
    assert html.count("<") == 2 and html.startswith("<p>") and html.rstrip().endswith("</p>"), html  # one paragraph
    assert "&lt;meta http-equiv=&quot;refresh&quot;" in html and "![x](/etc/passwd)" in html
    assert chapter.as_pasted(3) == 3 and chapter.as_pasted(2.5) == 2.5  # numbers keep their format specs


def test_only_the_book_s_own_markdown_is_markdown_and_a_value_in_it_is_escaped():
    example = {"share": HOSTILE, "share_low": "1", "share_high": "2", "money": "£1", "money_low": "1", "money_high": "2",
               "upper": "3", "upper_low": "2"}
    prose = words.prose("verdicts", "range_examples", **example)
    assert isinstance(prose, words.Prose) and chapter.as_pasted(prose) is prose
    html = rendered(prose)
    assert "<meta" not in html and "<style" not in html and "<img" not in html and "<h1" not in html
    assert "&lt;meta http-equiv=&quot;refresh&quot;" in html
    # The same sentence as plain text (for HTML templates, escaped there) is not escaped for Markdown.
    assert HOSTILE in words.say("verdicts", "range_examples", **example)
    # The book's own Markdown stays Markdown.
    assert "<em>" in rendered(words.prose("claims_chapter", "claims_missing.intro"))


def _code_cells(notebook: Path):
    for index, cell in enumerate(json.loads(notebook.read_text(encoding="utf-8"))["cells"]):
        if cell["cell_type"] == "code":
            yield index, ast.parse("".join(cell["source"]))


def test_notebooks_paste_words_only_through_the_chapter_module():
    """A notebook never builds Markdown itself (IPython's Markdown, myst_nb's glue): every string it pastes goes
    through sentaway.present.chapter, which escapes it."""
    found = []
    for notebook in sorted((REPO / "notebooks").glob("*.ipynb")):
        for index, tree in _code_cells(notebook):
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module in ("IPython.display", "IPython.core.display"):
                    found += [f"{notebook.name}, cell {index}: imports {a.name}" for a in node.names
                              if a.name not in ("HTML", "display")]
                if isinstance(node, (ast.Import, ast.ImportFrom)) and "myst_nb" in ast.unparse(node):
                    found.append(f"{notebook.name}, cell {index}: imports myst_nb")
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "display":
                    if not all(isinstance(a, ast.Call) and ast.unparse(a.func) == "HTML" for a in node.args):
                        found.append(f"{notebook.name}, cell {index}: display() of something other than HTML")
    assert found == []


def test_only_the_chapter_module_pastes_into_a_page():
    found = []
    for path in sorted((REPO / "sentaway").rglob("*.py")):
        if path.name == "chapter.py" and path.parent.name == "present":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                text = ast.unparse(node)
                if "myst_nb" in text or ("IPython.display" in text and "Markdown" in text):
                    found.append(f"{path.relative_to(REPO)}: {text}")
    assert found == []
