"""Stopping a command cleanly on Ctrl-C or `kill`: the signal raises KeyboardInterrupt while the work runs, so the
command's own handler cleans up and says what was kept; once the work has finished (or has committed its result) a
late signal is ignored, so it can neither escape the handler as the command returns (Python then exits by SIGINT,
with no message) nor make the command report as undone what it has done."""
from __future__ import annotations

import signal
from contextlib import contextmanager

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """Raised by the handler, and caught as KeyboardInterrupt. Not KeyboardInterrupt itself: CPython 3.11 notes a
    KeyboardInterrupt raised inside code run by exec() of a string (dataclasses does so) as unhandled, even once it is
    caught, and then ends the process by SIGINT instead of with its exit code."""


class Interruptible:
    """Use as `try: with Interruptible() as work: ... except KeyboardInterrupt: ...`: a signal that arrives while the
    `with` block is left still lands in the `try`. The handlers stay installed after it (ignoring): the process is
    about to exit, and restoring the default would let a late `kill` end it with no word."""

    def __init__(self) -> None:
        self.finished = False

    def _raise(self, signum, frame) -> None:
        if not self.finished:
            raise Interrupted

    def __enter__(self) -> "Interruptible":
        for sig in SIGNALS:
            if signal.getsignal(sig) is not signal.SIG_IGN:  # a command started to ignore one (in the background) does
                signal.signal(sig, self._raise)
        return self

    def __exit__(self, *exc) -> None:
        self.finished = True

    @contextmanager
    def last_step(self):
        """The step that publishes the result (a swap of folders): signals wait until it is over, and after it the
        work counts as finished, so a signal that came during it is ignored."""
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
        try:
            yield
            self.finished = True
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
