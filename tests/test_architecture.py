"""The code's structure as docs/architecture.md states it: the layers of the package, no
import circles, modules of a readable length, and a report whose table of contents names
every section module.

The imports are read from the source (ast), every module of the package, including
imports inside functions: an import made late to dodge a circle is still an edge.
"""

from __future__ import annotations

import ast
import pkgutil
from pathlib import Path

import klima_pipeline
from klima_pipeline.report import sections

PACKAGE = Path(klima_pipeline.__file__).parent

# Bottom to top (docs/architecture.md, "Layers"): a module may import its own layer and
# the layers below it, never one above. Layers are given by top-level module or package
# (`report` covers klima_pipeline.report.*); a new one must be given a layer here.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("klima_pipeline", "config", "errors", "sql", "history", "partitions",
                    "progress", "metrics", "collector")),
    ("resources, ingest, report", ("resources", "ingest", "report", "sample_data")),
    ("assets", ("assets", "checks")),
    ("jobs, schedules, sensors", ("jobs", "sensors")),
    ("definitions", ("definitions",)),
    ("commands", ("runner", "cli", "warehouse_docs")),
)  # fmt: skip


# Longer modules are split along their concerns (docs/architecture.md, "Layers").
MAX_LINES = 500


def module_name(path: Path) -> str:
    parts = ["klima_pipeline", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(module: str, path: Path) -> set[str]:
    """The package's modules that `module` imports: `from a import b` is module `a.b`
    when there is one (a submodule), else `a`."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in MODULES
                          else source)  # fmt: skip
    return {m for m in found if m in MODULES} - {module}


IMPORTS = {module: imported(module, path) for module, path in MODULES.items()}


def layer_of(module: str) -> int | None:
    """The layer of the module's top-level module or package (the package root's own)."""
    top = module.split(".")[1] if "." in module else module
    return next((i for i, (_, names) in enumerate(LAYERS) if top in names), None)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), each in order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
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
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_import_reader_sees_the_imports_it_should() -> None:
    # Guards the reader itself: an absolute, a relative, a submodule and a lazy import.
    assert "klima_pipeline.definitions" in IMPORTS["klima_pipeline.runner"]  # in a function
    assert "klima_pipeline.report.sections.summary" in IMPORTS["klima_pipeline.report.sections"]
    assert "klima_pipeline.report.context" in IMPORTS["klima_pipeline.report.sections.summary"]
    assert "klima_pipeline.ingest" in IMPORTS["klima_pipeline.jobs"]


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(m for m in MODULES if layer_of(m) is None)
    assert not unplaced, f"give these modules a layer in LAYERS (and the docs): {unplaced}"


def test_no_module_imports_a_layer_above_its_own() -> None:
    layer = {module: layer_of(module) or 0 for module in MODULES}
    upward = [
        f"{module} ({LAYERS[layer[module]][0]}) imports {target} ({LAYERS[layer[target]][0]})"
        for module, targets in sorted(IMPORTS.items())
        for target in sorted(targets)
        if layer[target] > layer[module]
    ]
    assert not upward, "imports against the layers (docs/architecture.md):\n" + "\n".join(upward)


def test_no_import_circles() -> None:
    found = cycles(IMPORTS)
    assert not found, "modules that import each other in a circle:\n" + "\n".join(
        " ⇄ ".join(group) for group in found
    )


def test_the_table_of_contents_names_every_section_module_once() -> None:
    modules = {
        f"{sections.__name__}.{info.name}" for info in pkgutil.iter_modules(sections.__path__)
    }
    listed = [entry.blocks.__module__ for entry in sections.CONTENTS]
    assert sorted(listed) == sorted(modules), (
        "each module of report/sections/ is one section: list it once in sections.CONTENTS"
    )
    ids = [entry.id for entry in sections.CONTENTS]
    assert len(set(ids)) == len(ids)


def test_no_module_is_over_the_length_limit() -> None:
    lengths = {m: len(p.read_text(encoding="utf-8").splitlines()) for m, p in MODULES.items()}
    long = {m: n for m, n in sorted(lengths.items()) if n > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them): {long}"
