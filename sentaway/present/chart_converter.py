"""Vega-Lite converted to a static SVG and to Vega (vl-convert), by one warm process for the whole of `make book`.

Why it exists: vl-convert runs Vega in a JavaScript runtime it starts at its first conversion in a process (about
0.5 s), and every page runs in a process of its own (sentaway.publish.runner), so every page with a chart paid that
start again. The runtime lives in a thread, so it cannot be started once in the warm process pages are forked from
(a forked child has none of its threads). The build therefore starts this converter once (`start`), which warms the
runtime and answers every page through a unix socket named in $SENTAWAY_CHART_CONVERTER. Where that is unset (a
notebook run by hand, by Jupyter Book or by papermill) a page converts in its own process. Either way it is the
same vl-convert call on the same spec, so the same bytes.
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from multiprocessing.connection import Client, Listener
from pathlib import Path

ENV = "SENTAWAY_CHART_CONVERTER"
MADE = {"svg": "static SVG", "vega": "Vega spec"}
# A chart small enough to start the runtime with, and a conversion of each kind (each loads its own scripts).
WARM_UP = {"data": {"values": [{"x": 1}]}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}}}


class ChartError(RuntimeError):
    """A chart could not be converted: which, and why, on one line."""


def _vl_convert(kind: str, spec: dict):
    import vl_convert as vlc  # heavy; only where a conversion is made

    return vlc.vegalite_to_svg(spec) if kind == "svg" else vlc.vegalite_to_vega(spec)


def _one_line(error: Exception) -> str:
    """vl-convert's message without the JavaScript stack it appends (lines starting 'at ...')."""
    lines = [line.strip() for line in str(error).splitlines()]
    return " ".join(line for line in lines if line and not line.startswith("at ")) or type(error).__name__


# ---------------------------------------------------------------- a page's side

_connection = None  # this page's connection to the build's converter, opened at its first chart
# The static SVGs asked of the converter and not yet answered, in the order asked: (chart, what to do with the SVG).
_pending: list = []


def convert(kind: str, spec: dict, chart: str):
    """`spec` as a static SVG (kind "svg": text) or as Vega (kind "vega": a dict); ChartError naming `chart`."""
    if not os.environ.get(ENV):
        try:
            return _vl_convert(kind, spec)
        except Exception as error:  # noqa: BLE001 (as the converter answers it)
            raise ChartError(f"chart {chart}: vl-convert could not make its {MADE[kind]}: {_one_line(error)}") from None
    _ask(kind, spec, chart)
    earlier = _keep_pending()  # answered first, as asked first
    value, failure = _reply(kind, chart)
    if earlier or failure:
        raise earlier or failure
    return value


def static_svg(spec: dict, chart: str, keep) -> None:
    """`keep(svg)` with `spec` as a static SVG. Through the build's converter the page goes on while it is made (the
    SVG is kept when the page next converts a chart, or at `finish`): the SVG is a file beside the page, which nothing
    in the page waits for. ChartError naming `chart` (or one asked for before) if it cannot be made."""
    if not os.environ.get(ENV):
        keep(convert("svg", spec, chart))
        return
    _ask("svg", spec, chart)
    _pending.append((chart, keep))


def finish() -> str | None:
    """Keep every static SVG asked for and not yet kept (the build calls this once a page's cells have run): None, or
    why the first chart that could not be drawn was not (one line, naming it)."""
    failure = _keep_pending()
    return None if failure is None else str(failure)


def _keep_pending() -> ChartError | None:
    """Every answer to the static SVGs asked for, read in turn: each SVG kept; the first failure."""
    first = None
    while _pending:
        chart, keep = _pending.pop(0)
        svg, failure = _reply("svg", chart)
        if failure is None:
            keep(svg)
        first = first or failure
    return first


def _ask(kind: str, spec: dict, chart: str) -> None:
    global _connection
    try:
        if _connection is None:
            _connection = Client(os.environ[ENV], family="AF_UNIX")
        _connection.send((kind, spec))
    except OSError as error:
        raise _unanswered(chart, error) from None


def _reply(kind: str, chart: str) -> tuple:
    """(what the converter made, None), or (None, ChartError naming `chart`)."""
    try:
        answer, value = _connection.recv()
    except (OSError, EOFError) as error:
        return None, _unanswered(chart, error)
    if answer != "made":
        return None, ChartError(f"chart {chart}: vl-convert could not make its {MADE[kind]}: {value}")
    return value, None


def _unanswered(chart: str, error: Exception) -> ChartError:
    return ChartError(f"chart {chart}: the build's chart converter did not answer "
                      f"({type(error).__name__}: {error or 'connection closed'})")


# ---------------------------------------------------------------- the build's side

class Converter:
    """The converter process the build started: where pages reach it, and how to stop it."""

    def __init__(self, process: subprocess.Popen, log: Path):
        self.process, self.log, self._address = process, log, None

    def address(self) -> str:
        """Its socket, once it listens (asked when the first page starts, so the build waits for nothing before);
        RuntimeError, with its last words, if it did not come up."""
        if self._address is None:
            said = self.process.stdout.readline().decode().split(" ", 1)
            if said[0] != "listening":
                self.stop()
                lines = self.log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
                raise RuntimeError(lines[-1] if lines else f"exit code {self.process.returncode}")
            self._address = said[1].strip()
        return self._address

    def stop(self) -> None:
        """Closing its input tells it to go (as the build's ending does, however it ends, even killed outright); it
        removes its socket's folder as it goes."""
        try:
            self.process.stdin.close()
            self.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        if self._address is not None:
            shutil.rmtree(Path(self._address).parent, ignore_errors=True)


def start(env: dict, log: Path) -> Converter:
    """Start a converter in `env` (what it writes to stderr goes to `log`): it starts and warms up while the build
    goes on, and pages' first requests wait for it."""
    with open(log, "ab") as errors:
        process = subprocess.Popen([sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=errors, env=env)
    return Converter(process, log)


def _answer(connection) -> None:
    """One page's requests, in turn, until it closes its end (the page ended)."""
    with connection:
        while True:
            try:
                kind, spec = connection.recv()
            except (EOFError, OSError):
                return
            try:
                answer = ("made", _vl_convert(kind, spec))
            except Exception as error:  # noqa: BLE001 (every failure goes back to the page, as one line)
                answer = ("failed", _one_line(error))
            connection.send(answer)


def serve() -> None:
    """The converter's process: listen on a socket in a private folder of its own (a socket's path must be short, so
    not in the repository), say where, warm the runtime up, answer pages; go, removing the folder, when the build
    closes this process's input."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the build's to handle; it stops this process
    folder = tempfile.mkdtemp(prefix="sentaway-charts-")
    address = os.path.join(folder, "socket")
    listener = Listener(address, family="AF_UNIX", backlog=16)

    def go_with_the_build():
        sys.stdin.buffer.read()  # returns at the end of input: the build closed it, or ended
        shutil.rmtree(folder, ignore_errors=True)
        os._exit(0)

    threading.Thread(target=go_with_the_build, daemon=True).start()
    print("listening", address, flush=True)
    try:
        for kind in MADE:
            _vl_convert(kind, WARM_UP)
    except Exception:  # noqa: BLE001 (each page's request then fails with the reason, naming its chart)
        pass
    while True:
        threading.Thread(target=_answer, args=(listener.accept(),), daemon=True).start()


if __name__ == "__main__":
    serve()
