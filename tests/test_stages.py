"""The package's stage folders are imported in one direction only (README, "How it fits together"): a module
imports from its own stage and the stages before it, the raw layer is used only by extraction, and no chapter
notebook imports publishing."""

import ast
import json
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sentaway"
NOTEBOOKS = PACKAGE.parent / "notebooks"

# In the order the data flows; "" is the package's top level (paths.py, sidefiles.py, __init__.py).
STAGES = ["", "raw", "extract", "read", "analysis", "register", "present", "publish"]

# Imports that still cross a line the wrong way, each with why; add here only with a reason.
EXCEPTIONS = {
    # The methods page lists the suppression symbols and their meanings, which are written once, in the raw
    # layer that reads them; data/ keeps only the symbol, not its meaning.
    ("sentaway.present.methods", "sentaway.raw.suppression"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else ""


def imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every sentaway module a source imports, anywhere in it (also inside functions)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "sentaway"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] != "sentaway":
                continue
            found.add(name)
            # `from sentaway.read import extracts` imports the module sentaway.read.extracts
            found |= {f"{name}.{a.name}" for a in node.names
                      if (PACKAGE.parent / f"{name}.{a.name}".replace(".", "/")).with_suffix(".py").is_file()
                      or (PACKAGE.parent / f"{name}.{a.name}".replace(".", "/")).is_dir()}
    return found


def wrong_way(module: str, targets: set[str]) -> list[str]:
    own = STAGES.index(stage(module))
    bad = []
    for target in sorted(targets):
        there = stage(target)
        if (module, target) in EXCEPTIONS:
            continue
        if STAGES.index(there) > own or (there == "raw" and stage(module) not in ("raw", "extract")):
            bad.append(f"{module} imports {target} ({there or 'top level'} is not before {stage(module)})")
    return bad


def test_stage_folders_exist():
    for name in STAGES[1:]:
        assert (PACKAGE / name / "__init__.py").is_file(), f"sentaway/{name}/ is missing"
    # Shared by every stage's commands, like paths.py: where files are, what a run read, how a signal stops it.
    shared = ("__init__.py", "paths.py", "sidefiles.py", "interrupt.py")
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in shared)
    assert loose == [], f"modules outside a stage folder: {loose}"


def test_every_module_imports_only_its_own_and_earlier_stages():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad += wrong_way(module, imported(tree, module, path.name == "__init__.py"))
    assert bad == [], "\n".join(bad)


def test_no_chapter_imports_publishing_or_the_raw_layer():
    bad = []
    for notebook in sorted(NOTEBOOKS.glob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        lines = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for target in imported(ast.parse(lines), "notebook", False):
            if stage(target) in ("publish", "raw"):
                bad.append(f"{notebook.name} imports {target}")
    assert bad == [], "\n".join(bad)


def test_the_check_catches_a_backward_import():
    """The rule itself can fail: a raw-layer module importing analysis, and analysis importing the raw layer."""
    assert wrong_way("sentaway.raw.files", {"sentaway.analysis.numbers"})
    assert wrong_way("sentaway.analysis.numbers", {"sentaway.raw.files"})
    assert wrong_way("sentaway.present.charts", {"sentaway.publish.build"})
    assert not wrong_way("sentaway.publish.build", {"sentaway.present.charts", "sentaway.paths"})
    tree = ast.parse("def f():\n    from ..publish import build\n")
    assert wrong_way("sentaway.present.home", imported(tree, "sentaway.present.home", False))


def unexplained_function_imports(source: str) -> list[int]:
    """Lines of imports inside a function with no comment saying why: on the line, on the lines just above it
    (a comment heading a group of imports), or in the function's docstring."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if "import" in (ast.get_docstring(node) or "").lower():
            continue
        for sub in ast.walk(node):
            if not isinstance(sub, (ast.Import, ast.ImportFrom)):
                continue
            above = sub.lineno - 2
            while above >= 0 and (not lines[above].strip() or lines[above].strip().startswith(("import ", "from "))):
                above -= 1
            if "#" not in lines[sub.lineno - 1] and not (above >= 0 and lines[above].strip().startswith("#")):
                found.append(sub.lineno)
    return found


def test_every_import_inside_a_function_says_why():
    unexplained = [f"{path.relative_to(PACKAGE.parent)}:{line}" for path in sorted(PACKAGE.rglob("*.py"))
                   for line in unexplained_function_imports(path.read_text(encoding="utf-8"))]
    assert not unexplained, "imports inside a function with no comment saying why: " + ", ".join(unexplained)


def test_the_check_catches_an_unexplained_import_and_accepts_an_explained_one():
    assert unexplained_function_imports("def f():\n    import json\n    return json\n") == [2]
    assert unexplained_function_imports("def f():\n    # heavy: only when asked\n    import json\n\n    import os\n") == []
    assert unexplained_function_imports('def f():\n    """Imported here: heavy."""\n    import json\n') == []


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other, directly or through others (strongly connected components of
    more than one module, or a module importing itself)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in graph.get(node, ()):
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def package_imports() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        graph[module] = imported(ast.parse(path.read_text(encoding="utf-8")), module, path.name == "__init__.py")
    return graph


def test_no_extract_module_imports_itself_back_through_others():
    """The catalogue loads metadata; no extractor imports it back (issue 23, point 3)."""
    extract = {module: {t for t in targets if t.startswith("sentaway.extract")}
               for module, targets in package_imports().items() if module.startswith("sentaway.extract")}
    assert import_cycles(extract) == []


def test_the_cycle_check_finds_a_cycle():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []
