"""Before anything runs: one build at a time in this repository; data/ and claims.csv valid, and params.yml's values
allowed by the data."""

import fcntl
import json

from sentaway.extract.validate import SchemaError, validate_claims, validate_folder, validate_references
from sentaway.paths import BUILD, REPO
from sentaway.publish import cache
from sentaway.publish.errors import BuildError
from sentaway.read import params


def check_inputs() -> None:
    """data/ against datapackage.json, claims.csv against its schema, every claim another file names against
    claims.csv, and params.yml against the data (ParameterError),
    skipped when the files are the ones already found valid (their checksums are kept in _build/validated.json)."""
    data = cache.DATA
    names = sorted(p.name for p in data.iterdir() if p.is_file()) if data.is_dir() else []
    digest = cache.data_hash(names) + cache.hash_files([REPO / "sentaway" / "extract" / "validate.py", params.PARAMS_FILE,
                                                        REPO / "sentaway" / "read" / "params.py"])
    stamp = BUILD / "validated.json"
    if cache.record(stamp).get("data") == digest:
        return
    try:
        validate_folder(data)
        validate_claims(data / "claims.csv")
        validate_references(data)
    except SchemaError as error:
        raise BuildError(f"{error} (nothing was run; fix the file or run `make data`)") from None
    params.load()
    stamp.write_text(json.dumps({"data": digest}))


class Lock:
    """One build at a time in this repository (so each may clean _build/tmp)."""

    def __enter__(self):
        self.handle = open(BUILD / ".lock", "w")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise BuildError("another build is running in this repository; wait for it to finish") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()
