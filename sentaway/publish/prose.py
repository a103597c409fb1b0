"""A notebook whose code is unchanged but whose prose (markdown) changed is not executed: its cached output gets the
new markdown cells (code cells and their outputs kept), as jupyter-cache does."""

import json
import os
import tempfile
from pathlib import Path

from sentaway.publish import cache
from sentaway.publish.errors import BuildError

# Kept from the run: what the notebook ran on and with (the executor's and papermill's records).
RUN_METADATA = ("kernelspec", "language_info", "papermill", "sentaway")


def merge_prose(notebook: Path, cached: Path, target: Path) -> None:
    """Write to `target` the notebook's current cells with the cached run's code cells (outputs, execution
    counts) in place of its own, and papermill's parameters cell where that run had it: what a run would
    give when only the prose changed (the code cells, compared in order, must be the ones that ran)."""
    import nbformat  # 0.1 s; only when prose is merged (a build with nothing to do never needs it)

    source, old = nbformat.read(notebook, as_version=4), nbformat.read(cached, as_version=4)
    ran, injected = [], {}  # injected: papermill's cells, by the number of code cells before them
    for cell in old.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            injected.setdefault(len(ran), []).append(cell)
        elif cell.cell_type == "code":
            ran.append(cell)
    if [c.source for c in ran] != [c.source for c in source.cells if c.cell_type == "code"]:
        raise BuildError(f"{cache.shown(cached)} does not hold the code of {cache.shown(notebook)}; "
                         "run `python -m sentaway.publish.build --force`")
    cells, done = list(injected.get(0, [])), 0
    for cell in source.cells:
        if cell.cell_type != "code":
            cells.append(cell)
            continue
        merged = ran[done]  # its outputs; its tags (remove-input...) are the notebook's own
        merged.metadata = nbformat.from_dict({**cell.metadata, **{k: merged.metadata[k] for k in ("execution", "papermill")
                                                                   if k in merged.metadata}})
        done += 1
        cells += [merged] + injected.get(done, [])
    source.cells = cells
    source.metadata.update({k: old.metadata[k] for k in RUN_METADATA if k in old.metadata})
    nbformat.write(source, target)


def rerender(run: cache.Run) -> None:
    """Merge a fresh run's new prose into its cached output (nothing is executed). The output is
    replaced whole, then its record; an interruption in between leaves the page stale, never wrong."""
    notebook, record_file, output = run.notebook, run.record_file, run.output
    cache.TMP.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"{run.page}-", dir=cache.TMP) as tmp:
        merged = Path(tmp) / output.name
        merge_prose(notebook, output, merged)
        os.replace(merged, output)
        kept = {**cache.record(record_file), "source": cache.sha(notebook), "output": cache.sha(output)}
        (Path(tmp) / "record.json").write_text(json.dumps(kept))
        os.replace(Path(tmp) / "record.json", record_file)
