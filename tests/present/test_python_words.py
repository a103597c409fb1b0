"""The book's words live in pages, book/words and templates: few words a reader sees come from Python literals
(scripts/python_words.py counts them; 0.1.0 had 1,927)."""

import importlib.util

from sentaway.paths import REPO

BASELINE = 1927  # scripts/python_words.py on 0.1.0's package and built site


def _counter():
    spec = importlib.util.spec_from_file_location("python_words", REPO / "scripts" / "python_words.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_under_a_fifth_of_the_words_a_reader_sees_come_from_python(site):
    total, by_module = _counter().count(site, REPO / "sentaway")
    assert total < BASELINE / 5, f"{total} words from Python literals (most: {by_module.most_common(5)})"


def test_the_count_sees_a_sentence_written_in_python(site, tmp_path):
    """A literal whose words stand on a page counts; the same words with no page to stand on do not."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text('"""docstring words are not counted here"""\n'
                                  'A = "No official file splits children"\nB = "words on no page at all zzqx"\n'
                                  'C = "secure_childrens_homes_semi_independent"\n', encoding="utf-8")
    total, by_module = _counter().count(site, package)
    assert dict(by_module) == {"pkg/m.py": 5} and total == 5
