"""How request data is read before any schema sees it: JSON with a nesting limit, and query strings
and form fields without NUL characters (PostgreSQL refuses them in text, so they would fail late,
as a 500, in whatever query they reach)."""

from __future__ import annotations

import json

from ninja.errors import ValidationError
from ninja.parser import Parser

# Real bodies are a few levels deep; far deeper ones only exist to exhaust the parser's stack.
MAX_JSON_DEPTH = 64


class JsonTooDeep(ValueError):
    pass


def _depth_within(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth > limit:
                return False
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return True


def load_json(body: bytes | str, *, max_depth: int = MAX_JSON_DEPTH):
    """json.loads that raises ValueError (never RecursionError) for a body nested past `max_depth`."""
    try:
        data = json.loads(body)
    except RecursionError as exc:
        raise JsonTooDeep("The JSON is nested too deeply.") from exc
    if not _depth_within(data, max_depth):
        raise JsonTooDeep(f"The JSON is nested more than {max_depth} levels deep.")
    return data


def nul_errors(data, source: str) -> list[dict]:
    """Validation error items for every key or value of a query dict / form that holds a NUL."""
    found = []
    for key, value in data.items():
        values = value if isinstance(value, list) else [value]
        if "\x00" in key or any(isinstance(v, str) and "\x00" in v for v in values):
            found.append(
                {
                    "loc": [source, key],
                    "msg": "Text must not contain NUL (\\x00) characters",
                    "type": "nul_character",
                }
            )
    return found


class MarkazParser(Parser):
    def parse_body(self, request):
        return load_json(request.body)

    def parse_querydict(self, data, list_fields, request):
        result = super().parse_querydict(data, list_fields, request)
        if data is request.GET:
            source = "query"
        elif data is request.POST:
            source = "form"
        else:  # uploaded files: their names are not stored as given
            return result
        errors = nul_errors(result, source)
        if errors:
            raise ValidationError(errors)
        return result
