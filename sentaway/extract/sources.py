"""How each extract reads its sources, as data: metadata/<extract>.sources.yml beside the extract's metadata holds the
labels each release prints (its vocabulary), the column codes of the older wide files, other publishers' files, and
the checks the extract's rows must pass. This module reads those files and answers, for one release, which labels it
may print and what each means.

A label is recognised by its words: case, spacing and curly quotes aside, and without a numbering prefix ("2a. ",
"5c.1 ", "4: "), so "Yorkshire and the Humber" is "Yorkshire and The Humber". In a vocabulary, a label maps to its code
(or to a mapping with `code` and the years of the releases that print it, `from` / `until`); a label printed only by
other releases is refused, as is one no release prints, naming the file, line and label and the entry that would
take it in (a release's `relabel` in releases.yml).
"""

import re
from functools import lru_cache
from pathlib import Path

import yaml

from sentaway.raw.files import RawDataError
from .releases import WHERE as RELEASES, Release

METADATA = Path(__file__).parent / "metadata"
_NUMBERING = re.compile(r"^\d+(?:[a-z](?:\.\d+)?[ivx]*\.?|\.(?:[ivx]+|\d+)?|:)\s+")


def label_key(text: str) -> str:
    """A label's words: lower case, one space between words, straight quotes, no numbering prefix."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\xa0", " ")
    return _NUMBERING.sub("", " ".join(text.split()).lower())


class MetadataError(ValueError):
    pass


@lru_cache(maxsize=None)
def metadata(filename: str) -> dict:
    """A file of metadata/ (an extract's shape, or how it reads its sources), read once."""
    path = METADATA / filename
    if not path.is_file():
        raise MetadataError(f"sentaway/extract/metadata/{filename}: missing")
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def where(name: str) -> str:
    return f"sentaway/extract/metadata/{name}.sources.yml"


def load(name: str) -> dict:
    return metadata(f"{name}.sources.yml")


def _entry(value) -> tuple[object, int, int]:
    if isinstance(value, dict) and "code" in value:
        return value["code"], int(value.get("from", 0)), int(value.get("until", 9999))
    return value, 0, 9999


class Vocabulary:
    """The labels of one filter column that a release may print, each with what it means."""

    def __init__(self, extract: str, name: str, release: Release | None):
        self.extract, self.name, self.release = extract, name, release
        spec = load(extract)
        for part in name.split("."):
            spec = spec[part]
        self.known = {label_key(label): _entry(value) for label, value in spec.items()}
        year = release.year if release else 0
        self.accepted = {key: code for key, (code, first, last) in self.known.items()
                         if release is None or first <= year <= last}
        for new, old in (release.relabel if release else {}).items():
            if label_key(old) in self.accepted:
                self.accepted[label_key(new)] = self.accepted[label_key(old)]

    def __contains__(self, label: str) -> bool:
        return label_key(label) in self.accepted

    def get(self, label: str, default=None):
        return self.accepted.get(label_key(label), default)

    def __getitem__(self, label: str):
        return self.accepted[label_key(label)]

    def codes(self) -> list:
        return list(dict.fromkeys(code for code in self.accepted.values()))

    def refuse(self, label: str, at: str, column: str, printed=()) -> RawDataError:
        """The error for a label this release is not known to print: where it is, and the entry that would take it
        in if it names a category already read (the labels of this vocabulary the file did not print)."""
        if self.release is None:
            return RawDataError(f"{at}: unknown {column} {label!r}")
        seen = {label_key(p) for p in printed}
        unused = [key for key in self.accepted if key not in seen] or list(self.accepted)
        was = unused[0] if len(unused) == 1 else f"<one of: {'; '.join(unused)}>"
        other = " (a label of other releases)" if label_key(label) in self.known else ""
        return RawDataError(
            f"{at}: {column} {label!r}{other} is not among the labels {self.release.label} is known to print "
            f"({where(self.extract)}, {self.name}); if it renames a category already read, add to its entry in "
            f"{RELEASES}: `{self.release.folder}: {{relabel: {{\"{label_key(label)}\": \"{was}\"}}}}`")


def vocabulary(extract: str, name: str, release: Release | None = None) -> Vocabulary:
    return Vocabulary(extract, name, release)
