"""Imported by the warm process the pages are forked from (sentaway.publish.runner.PRELOAD), so that it leaves at once
when the build ends: freeing pandas, Altair and the rest object by object takes it a third of a second, during which it
still holds the build's output open (whoever reads that to its end, as `make bench` does, waits for it). Its children,
the pages, leave by os._exit as it is."""

import atexit
import os

atexit.register(os._exit, 0)
