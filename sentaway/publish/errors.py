"""What stops `make book` with one line: bad input, a failing notebook or Sphinx, an interruption's cleanup."""


class BuildError(RuntimeError):
    """The build stopped; the message names the file, notebook, cell or value, and says what was kept."""
