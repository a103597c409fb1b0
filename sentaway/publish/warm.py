"""Imported by the warm process the pages are forked from, after the libraries (sentaway.publish.runner.PRELOAD): the
work every page would otherwise repeat that only libraries' state holds, done once for the build, and a quick exit.
Nothing of the package is kept by a page (each imports it afresh), so a page's key is what it imported itself."""

import atexit
import os

import nbformat

# nbformat compiles its notebook schema into a validator at the first notebook a process reads or writes (0.05-0.1 s,
# every page): compiled here, once.
nbformat.validate(nbformat.v4.new_notebook())

# Leave at once when the build ends: freeing pandas, Altair and the rest object by object takes this process a third
# of a second, during which it still holds the build's output open (whoever reads that to its end, as `make bench`
# does, waits for it). Its children, the pages, leave by os._exit as it is.
atexit.register(os._exit, 0)
