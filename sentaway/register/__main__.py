"""`python -m sentaway.register FOLDER`: compute the register once and keep it in FOLDER for every page of
the book (`make book` runs it; sentaway/publish/build.py).

Writes FOLDER/register.pickle (the register table and each claim's evidence, as register.build() returns
them) and FOLDER/modules.txt (the package modules the computation imported, part of its cache key).
"""

import os
import pickle
import sys
from pathlib import Path

from sentaway.paths import REGISTER_ENV, write_imported_modules
from sentaway.register import register
from sentaway.read.calendar import CalendarError
from sentaway.read.claims import ClaimsError
from sentaway.read.extracts import LinksError
from sentaway.register.provenance import ProvenanceError
from sentaway.register.readings import ReadingsError


def main(folder: Path) -> None:
    os.environ.pop(REGISTER_ENV, None)  # computed here, never read back
    product = register.build()
    (folder / "register.pickle").write_bytes(pickle.dumps(product, protocol=pickle.HIGHEST_PROTOCOL))
    write_imported_modules(folder / "modules.txt")


if __name__ == "__main__":
    try:
        main(Path(sys.argv[1]))
    # Bad input, named by file and line: the message is all the build shows.
    except (ReadingsError, CalendarError, ClaimsError, LinksError, ProvenanceError) as error:
        print(error, file=sys.stderr)
        sys.exit(1)
