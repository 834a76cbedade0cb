"""Proves the schema is usable from TypeScript: openapi-typescript generates types and tsc type-checks
a small usage file against them. Skipped when node/npm are not installed."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.contract.snapshot import current_schema

HERE = Path(__file__).parent / "ts"


@pytest.mark.skipif(
    shutil.which("npm") is None or shutil.which("node") is None, reason="node is not installed"
)
def test_generated_typescript_types_compile(tmp_path):
    work = tmp_path / "ts"
    shutil.copytree(HERE, work)
    (work / "openapi.json").write_text(json.dumps(current_schema()))

    def run(*cmd):
        return subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=300)

    install = run("npm", "install", "--no-audit", "--no-fund", "--loglevel=error")
    assert install.returncode == 0, install.stderr[-2000:]
    gen = run("npx", "openapi-typescript", "openapi.json", "-o", "schema.d.ts")
    assert gen.returncode == 0, gen.stderr[-2000:]
    check = run("npx", "tsc", "--noEmit", "-p", ".")
    assert check.returncode == 0, (check.stdout + check.stderr)[-3000:]
