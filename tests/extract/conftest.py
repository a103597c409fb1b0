import pytest

from tables import use_releases


@pytest.fixture
def synthetic_releases(tmp_path, monkeypatch):
    """Read a releases.yml with the project's kinds and only the release entries a test gives (see
    tables.use_releases); the real one again after the test."""
    from sentaway.extract import releases

    yield lambda entries, sources=None: use_releases(tmp_path, monkeypatch, entries, sources)
    releases.registry.cache_clear()
