"""The shape of the code: areas depend on each other explicitly, without circles.

- no module imports one of the project's own modules inside ``try/except ImportError``
  (every area is always installed; a fallback would be code no test can reach);
- no template includes another with ``ignore missing``;
- no import circles between the project's modules (imports at module level, where a circle
  would break loading, and imports inside functions, which are only ever a way round one).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "eventsapp"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(path): ast.parse(path.read_text(), str(path)) for path in PACKAGE.rglob("*.py")}


def _own_imports(node: ast.AST, known: set[str]) -> set[str]:
    """The project's modules that ``node`` imports (``from eventsapp.x import y`` counts eventsapp.x.y
    when that is a module, else eventsapp.x)."""
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.ImportFrom) and child.module and child.module.startswith("eventsapp"):
            for alias in child.names:
                candidate = f"{child.module}.{alias.name}"
                found.add(candidate if candidate in known else child.module)
        elif isinstance(child, ast.Import):
            found.update(a.name for a in child.names if a.name.startswith("eventsapp"))
    return found & known


def test_no_fallbacks_for_the_projects_own_modules():
    offenders = []
    modules = _modules()
    for name, tree in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers
            ) and _own_imports(ast.Module(body=node.body, type_ignores=[]), set(modules)):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_no_template_includes_ignore_a_missing_template():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "templates").rglob("*.html")
                 if "ignore missing" in p.read_text()]
    assert offenders == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_no_import_circles_between_the_projects_modules():
    modules = _modules()
    known = set(modules)
    # Every edge counts, a package's own __init__ importing its submodules included (no area's
    # package imports its views: create_app loads them, eventsapp.VIEW_MODULES). Left out only: a
    # submodule importing its own package (``from eventsapp.checkin import bp``), which Python has
    # already begun loading by then.
    graph = {
        name: {dep for dep in _own_imports(tree, known) if not name.startswith(dep + ".")}
        for name, tree in modules.items()
    }
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


SERVICE_MODULES = sorted(_module_name(path) for path in PACKAGE.glob("*/services.py"))


@pytest.mark.parametrize("module", SERVICE_MODULES)
def test_an_areas_services_load_first(module):
    """What other areas, the CLI and tasks import loads in a fresh interpreter before anything else
    (a circle through a package that imports its views broke ``import eventsapp.registration.services``)."""
    result = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr.strip().splitlines()[-1:]
