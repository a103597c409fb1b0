"""The Reproduce page states the environment the book ran in: the versions installed, not the pins typed in
requirements.txt (issue 23, point 7)."""

from importlib import metadata

from sentaway.present import reproduce


def test_the_environment_lists_the_versions_installed_and_a_pin_that_differs(monkeypatch):
    real = metadata.version
    monkeypatch.setattr(reproduce.metadata, "version",
                        lambda name: "0.0.0+ran" if name.lower() == "pandas" else real(name))
    table = reproduce.environment().set_index("package")
    assert table.loc["pandas", "version installed"] == "0.0.0+ran" and table.loc["pandas", "pinned"] != ""
    assert table.loc["altair", "version installed"] == real("altair") and table.loc["altair", "pinned"] == ""
