"""Which error `code` values each operation family can answer with, read from the source.

A family is a package (`payments`, `lessons`, ... as in the import layers). Requests call down, never
up, so a family can only raise what its own package or a package it imports (transitively) raises,
plus what every operation can answer (GENERIC_CODES and the default codes in core/exceptions.py).
Codes are collected with `ast` from calls of ApplicationError classes (`Conflict(..., code="x")`,
`ValidationFailed.field(..., code="x")`): a literal, or a module-level name (a constant, or a dict
or tuple of them, possibly subscripted). `unresolved()` lists any other expression; a quality test
keeps it empty, so the enums in the OpenAPI document stay complete without being maintained by hand."""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

from core import exceptions

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINTS = {"core/asgi.py", "core/wsgi.py"}


@cache
def _error_classes() -> dict[str, type]:
    found, todo = {}, [exceptions.ApplicationError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def package_of(dotted: str) -> str | None:
    parts = dotted.removesuffix(".__init__").split(".")
    if parts[0] == "modules" and len(parts) > 1:
        return parts[1]
    return parts[0] if parts[0] in ("core", "realtime") else None


# imports at any depth (inside functions too), read as text: parsing every file costs seconds
IMPORT = re.compile(r"^\s*(?:from|import)\s+((?:modules\.\w+|core|realtime)[\w.]*)", re.MULTILINE)


def _sources():
    """(dotted module name, its source) for every module of the project."""
    for top in ("core", "realtime", "modules"):
        for path in sorted((ROOT / top).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative and relative not in ENTRY_POINTS:
                yield relative.removesuffix(".py").replace("/", "."), path.read_text()


def _called_class(call: ast.Call) -> str | None:
    func = call.func
    if (
        isinstance(func, ast.Attribute) and func.attr == "__init__"
    ):  # super().__init__(code=...) of a subclass
        return "__init__"
    if isinstance(func, ast.Attribute) and func.attr == "field":  # ValidationFailed.field(...)
        func = func.value
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name if name in _error_classes() else None


def _evaluate(node: ast.expr, module: str):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Subscript):
        return _evaluate(node.value, module)
    if isinstance(node, ast.Name | ast.Attribute):
        try:
            return eval(compile(ast.Expression(node), module, "eval"), vars(importlib.import_module(module)))  # noqa: S307
        except (NameError, AttributeError):
            return None
    return None


def _as_codes(value) -> set[str] | None:
    if isinstance(value, str):
        return {value}
    values = value.values() if isinstance(value, dict) else value
    if isinstance(values, list | tuple | set | frozenset | type({}.values())) and all(
        isinstance(item, str) for item in values
    ):
        return set(values)
    return None


@cache
def _scan() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], tuple[str, ...]]:
    """(codes raised per package, packages each package imports, expressions that could not be read)"""
    codes: dict[str, set[str]] = {}
    imports: dict[str, set[str]] = {}
    unreadable: list[str] = []
    for module, source in _sources():
        package = package_of(module)
        own, uses = codes.setdefault(package, set()), imports.setdefault(package, set())
        uses.update(package_of(name) for name in IMPORT.findall(source))
        if "code=" not in source and "default_code" not in source:
            continue  # raises no coded error and defines no error class
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ClassDef):
                own.update(_default_code(module, node))
            elif isinstance(node, ast.Call) and _called_class(node):
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        found = _as_codes(_evaluate(keyword.value, module))
                        own.update(found or ())
                        if found is None and not _forwarded(module, keyword.value):
                            unreadable.append(f"{module}:{node.lineno}: code={ast.unparse(keyword.value)}")
    frozen = {package: frozenset(found) for package, found in codes.items()}
    graph = {package: frozenset(uses - {None, package}) for package, uses in imports.items()}
    return frozen, graph, tuple(unreadable)


def _default_code(module: str, node: ast.ClassDef) -> set[str]:
    cls = getattr(importlib.import_module(module), node.name, None)
    if isinstance(cls, type) and issubclass(cls, exceptions.ApplicationError):
        return {cls.default_code}
    return set()


def _forwarded(module: str, node: ast.expr) -> bool:
    """`ValidationFailed.field` hands its caller's `code=` on to the class: the caller's is collected."""
    return module == "core.exceptions" and isinstance(node, ast.Name) and node.id == "code"


def unresolved() -> tuple[str, ...]:
    return _scan()[2]


@cache
def family_codes(family: str) -> tuple[str, ...]:
    """Every code an operation of `family` can answer with, sorted."""
    codes, graph, _ = _scan()
    seen, todo = set(), [family, "core"]
    while todo:
        package = todo.pop()
        if package not in seen:
            seen.add(package)
            todo.extend(graph.get(package, ()))
    found = set(exceptions.GENERIC_CODES).union(*(codes.get(package, ()) for package in seen))
    return tuple(sorted(found))
