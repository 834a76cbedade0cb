"""Refresh the committed OpenAPI snapshot: `python -m tests.contract.snapshot` (make schema-snapshot).
Additions only need a refresh; removals and renames fail test_openapi_contract until a human decides."""

from __future__ import annotations

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.json")


def current_schema() -> dict:
    from core.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    import django

    django.setup()
    SNAPSHOT.write_text(json.dumps(current_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    print(f"wrote {SNAPSHOT}")


if __name__ == "__main__":
    main()
