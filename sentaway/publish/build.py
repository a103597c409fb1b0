"""`python -m sentaway.publish.build`: run each chapter notebook whose inputs changed, then build the HTML.

The steps, each a module of sentaway.publish: preflight (one build at a time; data/ and claims.csv valid), cache (each
page's key, and the plan of what to run), runner (the claims register, then the pages, in warm processes), prose (new
prose merged into a cached run), status (the build status page), pages (the pages no notebook makes), html (Sphinx,
incremental, and the site swapped in whole). Temporary folders live in _build/tmp and are removed at the end, also
after Ctrl-C or SIGTERM, and a build that stops leaves the previous site as it was.
"""

import sys

PYTHONS = ((3, 11), (3, 12))

# Before anything else is imported: one line naming the Python found, never an ImportError.
if sys.version_info[:2] not in PYTHONS:
    sys.exit(f"build: stopped. Python {sys.version_info[0]}.{sys.version_info[1]} found ({sys.executable}); Sent Away "
             f"builds with Python {' or '.join('.'.join(map(str, v)) for v in PYTHONS)}")

import faulthandler  # noqa: E402 (after the version check)
import shutil  # noqa: E402
import signal  # noqa: E402
import time  # noqa: E402

from sentaway.interrupt import Interruptible  # noqa: E402
from sentaway.paths import BUILD, DATA, data_lock, no_space, watch_writes  # noqa: E402
from sentaway.publish import cache, html, pages, preflight, runner, stamp  # noqa: E402
from sentaway.publish.errors import BuildError  # noqa: E402
from sentaway.read import params as chapter_params  # noqa: E402


def main(argv: list[str]) -> int:
    force = "--force" in argv
    unknown = [a for a in argv if a != "--force"]
    start = time.monotonic()

    watch_writes()  # a full disk names the file it was writing
    sphinx = html.Sphinx()
    try:
        if unknown:
            raise BuildError(f"unknown option {unknown[0]!r}; the only option is --force (re-run every notebook)")
        BUILD.mkdir(exist_ok=True)
        with Interruptible() as work, preflight.Lock(), data_lock(DATA, "build"):  # Ctrl-C and kill alike
            shutil.rmtree(cache.TMP, ignore_errors=True)  # left by a build that was killed outright
            try:
                preflight.check_inputs()
                try:
                    stamp.today()
                    sphinx.tree = stamp.tree()  # asked once: Sphinx and the build's record say the same
                except ValueError as error:
                    raise BuildError(str(error)) from None
                # Sphinx imports what it needs and loads its folders while the plan is made and the notebooks run
                # (stopped unused if nothing changed).
                sphinx.start()
                html.prepare(sphinx, force)
                runner.execute_notebooks(force)
                removed = runner.prune_runs() + runner.prune_side_files()
                if removed:
                    print(f"build: removed {len(removed)} file(s) no current run wrote: {', '.join(removed[:5])}", flush=True)
                pages.stage(cache.EXECUTED)
                index = html.build_html(sphinx, work)
            finally:
                sphinx.close()
                shutil.rmtree(cache.TMP, ignore_errors=True)
    except (BuildError, chapter_params.ParameterError) as error:
        print(f"build: stopped. {error}", file=sys.stderr)
        return 1
    except Exception as error:  # a full disk, or a bug rather than bad input: still one line, and the site untouched
        if no_space(error):
            print(f"build: stopped. {no_space(error)}; the previous site is left as it was", file=sys.stderr)
            return 1
        print(f"build: stopped by an internal error ({type(error).__name__}: {error}); the previous site is "
              "left as it was. Please report it.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("build: interrupted; nothing half-made was kept, and the previous site is left as it was", file=sys.stderr)
        return 130
    print(f"build: finished in {time.monotonic() - start:.1f} s. Open the book at:\n{index}", flush=True)
    return 0


if __name__ == "__main__":
    # `kill -USR1` on a build that seems stuck prints where each of its threads is (the tests do so before failing).
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    sys.exit(main(sys.argv[1:]))
