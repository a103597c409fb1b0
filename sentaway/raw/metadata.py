"""Column definitions from the SFR metadata documents (.txt, Word 97 .doc, .docx)."""

import re
import zipfile
import io

from sentaway.raw.files import RawFiles, RawDataError

_DEFINITION = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_\-]*)\s*:\s*(.+?)\s*$")


def _doc_text(data: bytes) -> str:
    """Text runs from a binary Word file: stored either as 8-bit or as UTF-16LE."""
    runs = re.findall(rb"[\x20-\x7e\x91-\x97\xa0-\xff\t]{6,}", data)
    wide = re.findall(rb"(?:[\x20-\x7e\t]\x00){6,}", data)
    text = [run.decode("cp1252") for run in runs] + [run.decode("utf-16-le") for run in wide]
    return "\n".join(text).replace("\r", "\n")


def _docx_text(data: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in paragraphs)


def definitions(raw: RawFiles, rel: str) -> dict[str, str]:
    """{column code: definition} as written in a release's metadata document."""
    path = raw.verified(rel)
    data = path.read_bytes()
    if rel.endswith(".docx"):
        text = _docx_text(data)
    elif rel.endswith(".doc"):
        text = _doc_text(data)
    else:
        text = raw.text(rel)
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _DEFINITION.match(line)
        if match and match.group(1) not in found:
            found[match.group(1)] = " ".join(match.group(2).split())
    if not found:
        raise RawDataError(f"{rel}: no column definitions could be read")
    return found


def check_definition(defs: dict[str, str], code: str, words: str | list[str], meta_file: str,
                     required: bool = True) -> str | None:
    """The metadata's definition of `code`, after checking it still mentions `words` (else the code may
    have changed meaning). An undefined code stops, unless not `required`: then None (not trusted, not read)."""
    lookup = {key.lower(): value for key, value in defs.items()}
    definition = lookup.get(code.lower())
    if definition is None:
        if not required:
            return None
        raise RawDataError(f"{meta_file}: column {code} is in the data file but not defined in the metadata")
    text = definition.lower().replace("\u2019", "'")
    for word in [words] if isinstance(words, str) else words:
        if word not in text:
            raise RawDataError(
                f"{meta_file}: column {code} is defined as {definition!r}, expected it to mention {word!r}; "
                "the code's meaning may have changed"
            )
    return definition
