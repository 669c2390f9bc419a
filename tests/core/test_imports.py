"""The import rule, read from the source with ``ast``: the layers, no cycle, registrations only.

Layers, lowest first; a module may import its own package, a lower layer, and nothing else:

    0  core/ and extensions.py      infrastructure every domain uses
    1  search/, notifications/      engines the domains plug into (they do not import each other)
    2  accounts/                    members, structures, territories
    3  the feature domains          each may import the feature domains before it in DOMAINS
    4  network_space/__init__.py, network_space/demo.py    the application, which assembles them

A lower layer learns about a higher one only through a registry the higher one fills in its
``init_app`` (permission rules, notification kinds and targets, the members' model, search types,
dashboard panels, worker tasks, job handlers, navigation, directory backlinks).

No import cycle between modules, counting the imports inside functions too.

Imports inside functions: only in an ``init_app`` (or in the application package, which builds
the app): importing any module of a package runs its ``__init__`` first, so a domain's
``__init__`` imports its views and registrations when the app is created, not when another part
(or a test) imports its models. Anywhere else an import goes at the top of the module; the rare
exception carries a ``# local import: <reason>`` comment on its line.
"""
from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

from network_space import DOMAINS

PACKAGE = Path(__file__).resolve().parents[2] / "network_space"
INFRASTRUCTURE = {"core": 0, "search": 1, "notifications": 1, "accounts": 2}
APPLICATION = 4
FEATURE = 3
LOCAL_IMPORT_MARK = "# local import:"


def _part(module: str) -> str:
    """The part of the site a module belongs to: its package under network_space, or the app."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "demo":
        return "app"
    return "core" if parts[1] == "extensions" else parts[1]


def _layer(part: str) -> int:
    if part == "app":
        return APPLICATION
    if part in INFRASTRUCTURE:
        return INFRASTRUCTURE[part]
    assert part in DOMAINS, f"network_space/{part} is in no layer: add it to DOMAINS (or to this test's layers)"
    return FEATURE


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module
    path: Path
    line: int
    function: str | None  # the enclosing function, None at module level


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    return (PACKAGE.parent / relative).with_suffix(".py").exists() or (PACKAGE.parent / relative / "__init__.py").exists()


def _targets(node, source: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name.split(".")[0] == "network_space"]
    if node.level:  # relative import: resolved against the importing package
        package = source if _is_package(source) else source.rsplit(".", 1)[0]
        base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
        module = ".".join(base + ([node.module] if node.module else []))
    else:
        module = node.module or ""
    if module.split(".")[0] != "network_space":
        return []
    # "from package import module" imports the module; "from module import name" the module itself.
    return [f"{module}.{alias.name}" if _is_module(f"{module}.{alias.name}") else module for alias in node.names]


def _is_package(module: str) -> bool:
    return (PACKAGE.parent / Path(*module.split(".")) / "__init__.py").exists()


def _imports() -> list[Import]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        enclosing: dict[int, str] = {}
        for function in ast.walk(tree):  # breadth first: outer functions before the ones they hold
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(function):
                    if node is not function:  # an import in a closure inside init_app is init_app's
                        enclosing.setdefault(id(node), function.name)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for target in _targets(node, source):
                    found.append(Import(source, target, path, node.lineno, enclosing.get(id(node))))
    return found


def _where(imp: Import) -> str:
    return f"{imp.path.relative_to(PACKAGE.parent)}:{imp.line}"


def test_no_import_from_a_lower_layer_to_a_higher_one():
    problems = []
    for imp in _imports():
        source, target = _part(imp.source), _part(imp.target)
        if source == target:
            continue
        upward = _layer(target) > _layer(source)
        sideways = _layer(target) == _layer(source) and (
            _layer(source) != FEATURE or DOMAINS.index(target) > DOMAINS.index(source))
        if upward or sideways:
            problems.append(f"{_where(imp)}: {source} imports {imp.target} ({target} is not below {source})")
    assert not problems, "\n".join(problems)


def test_no_import_cycle():
    graph: dict[str, set[str]] = {}
    for imp in _imports():
        if imp.target != imp.source:
            graph.setdefault(imp.source, set()).add(imp.target)
    # Tarjan's strongly connected components: any component of two modules or more is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.get(module, ())):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(cycle) for cycle in cycles)


def test_imports_inside_functions_only_where_a_registration_needs_them():
    problems = []
    for imp in _imports():
        if imp.function is None or imp.function == "init_app" or _part(imp.source) == "app":
            continue
        line = imp.path.read_text(encoding="utf-8").splitlines()[imp.line - 1]
        if LOCAL_IMPORT_MARK not in line:
            problems.append(f"{_where(imp)}: {imp.target} imported inside {imp.function}(); import it at the top "
                            f"of the module, or say why not with '{LOCAL_IMPORT_MARK} <reason>'")
    assert not problems, "\n".join(problems)


def test_the_rule_catches_what_it_forbids(tmp_path, monkeypatch):
    """The checks above read real files: a planted upward import, cycle and local import fail them."""
    planted = tmp_path / "network_space"
    (planted / "core").mkdir(parents=True)
    (planted / "accounts").mkdir()
    (planted / "__init__.py").write_text("DOMAINS = ()\n")
    (planted / "core" / "__init__.py").write_text("")
    (planted / "accounts" / "__init__.py").write_text("")
    (planted / "core" / "models.py").write_text("from network_space.accounts.models import User\n")
    (planted / "accounts" / "models.py").write_text(
        "from network_space.core import models\n\n\ndef user():\n    from network_space.core.models import x\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", planted)
    for check in (test_no_import_from_a_lower_layer_to_a_higher_one, test_no_import_cycle,
                  test_imports_inside_functions_only_where_a_registration_needs_them):
        try:
            check()
        except AssertionError as error:
            assert "network_space" in str(error)
        else:
            raise AssertionError(f"{check.__name__} let a planted violation through")
