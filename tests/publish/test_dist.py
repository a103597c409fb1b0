import hashlib
import zipfile

from sentaway import __version__
from sentaway.publish import dist


def test_dist_archive_holds_site_data_and_register_with_its_checksum(site, tmp_path):
    target = dist.make(tmp_path)
    assert target.name == f"sent-away-{__version__}.zip"
    names = zipfile.ZipFile(target).namelist()
    root = f"sent-away-{__version__}"
    for needed in ("site/index.html", "data/datapackage.json", "data/cla_placements.csv", "claims_register.csv",
                   "claims_register.json", "CITATION.cff"):
        assert f"{root}/{needed}" in names, needed
    recorded = (tmp_path / f"{target.name}.sha256").read_text().split()[0]
    assert recorded == hashlib.sha256(target.read_bytes()).hexdigest()
