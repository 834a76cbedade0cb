"""Each role's main flow, written in strict TypeScript the way the README shows (openapi-fetch, no
casts), must type-check against types freshly generated from the live document. One `npm ci` per
package-lock (kept in a cache directory outside the repo), one generation, one `tsc` run.
Skipped only when node or npm is not installed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.contract.snapshot import current_schema

HERE = Path(__file__).parent / "ts"
SOURCES = ("client.ts", "flows", "generate.mjs", "tsconfig.json")
CACHE = Path(os.environ.get("MARKAZ_TS_CACHE", Path.home() / ".cache" / "markaz-contract-ts"))


def _run(*cmd, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


def _installed_packages() -> Path:
    """node_modules for the committed lock file, installed once (`npm ci`) and reused."""
    lock = (HERE / "package-lock.json").read_bytes()
    home = CACHE / hashlib.sha256(lock).hexdigest()[:16]
    if not (home / "node_modules" / ".package-lock.json").exists():
        home.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(HERE / name, home / name)
        install = _run("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error", cwd=home)
        assert install.returncode == 0, install.stderr[-2000:]
    return home / "node_modules"


@pytest.mark.skipif(
    shutil.which("npm") is None or shutil.which("node") is None,
    reason="node and npm are needed to type-check the TypeScript flows",
)
def test_every_role_flow_type_checks_against_the_generated_client(tmp_path):
    work = tmp_path / "ts"
    work.mkdir()
    for name in SOURCES:
        source = HERE / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, work / name)
    (work / "node_modules").symlink_to(_installed_packages(), target_is_directory=True)
    (work / "openapi.json").write_text(json.dumps(current_schema()))

    generate = _run("node", "generate.mjs", "openapi.json", "schema.d.ts", cwd=work)
    assert generate.returncode == 0, generate.stderr[-2000:]
    check = _run("node", "node_modules/typescript/bin/tsc", "--noEmit", "--strict", "-p", ".", cwd=work)
    assert check.returncode == 0, (check.stdout + check.stderr)[-3000:]


def test_the_flows_use_no_casts():
    """`as` would hide exactly the mismatches the type check is there to find."""
    casts = [
        f"{path.name}:{number}"
        for path in [HERE / "client.ts", *sorted((HERE / "flows").glob("*.ts"))]
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if " as " in line.split("//")[0] or any(escape in line for escape in ("<any>", ": any", "@ts-"))
    ]
    assert not casts, casts
