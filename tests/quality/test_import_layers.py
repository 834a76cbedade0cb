"""The import graph runs one way. Each package has a layer; a package imports only packages of lower
layers (and its own). A module hears from the layers above only through signals, so an upward import
is always a design error, and it is how cycles start. Walked with `ast` over the source, so an import
hidden inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lower numbers sit lower. A new package must be placed here: the test fails until it is.
LAYERS: dict[str, int] = {
    "core": 0,
    "realtime": 1,  # WebSocket infrastructure: modules register with it, it imports none of them
    "center": 2,  # the center's settings, read by every module
    "accounts": 3,
    "courses": 4,
    "lessons": 5,
    "resources": 6,  # materials that attendance sheets and homework attach
    "attendance": 7,
    "homework": 7,
    "payments": 7,
    "gamification": 8,
    "notifications": 9,  # also tells people about coins and badges
    "crm": 10,
    "payroll": 10,
    "audit": 11,
    "backoffice": 11,  # the admin dashboard, a read model over every module
}

# The process entry points wire everything together by design.
ENTRY_POINTS = {"core/asgi.py", "core/wsgi.py"}


def _package(dotted: str) -> str | None:
    parts = dotted.removesuffix(".__init__").split(".")
    if parts[0] == "modules" and len(parts) > 1:
        return parts[1]
    return parts[0] if parts[0] in ("core", "realtime") else None


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _sources():
    for top in ("core", "realtime", "modules"):
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and relative not in ENTRY_POINTS:
                yield relative, path


def test_every_package_has_a_layer():
    found = {_package(rel[:-3].replace("/", ".")) for rel, _ in _sources()} - {None}
    assert not found - LAYERS.keys(), f"place these packages in LAYERS: {sorted(found - LAYERS.keys())}"


def test_the_walk_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from modules.audit.models import AuditLog\n")
    assert list(_imports(sample)) == [(2, "modules.audit.models")]


def test_no_package_imports_a_layer_above_or_beside_it():
    wrong = []
    for relative, path in _sources():
        source = _package(relative[:-3].replace("/", "."))
        for line, dotted in _imports(path):
            target = _package(dotted)
            if target and target != source and LAYERS.get(target, 99) >= LAYERS.get(source, -1):
                wrong.append(f"{relative}:{line} ({source}, layer {LAYERS.get(source)}) imports {dotted}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)
