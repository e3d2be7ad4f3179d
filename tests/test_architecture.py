"""The layout holds: every module imports on its own, the import contracts and lint pass."""
from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("assistant", "knowledge", "ingest")


def all_modules() -> list[str]:
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts[-1] != "__main__":
                out.append(".".join(parts))
    return out


def _import_alone(module: str) -> tuple[str, str]:
    proc = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    return module, "" if proc.returncode == 0 else proc.stderr.strip().splitlines()[-1]


def test_every_module_imports_on_its_own_in_a_fresh_interpreter():
    """Import order must not matter: a module that only works after another was imported
    (a cycle through a package's root) fails here."""
    modules = all_modules()
    assert len(modules) > 80
    with ThreadPoolExecutor(max_workers=2) as pool:
        failures = {m: err for m, err in pool.map(_import_alone, modules) if err}
    assert not failures, failures


def test_python_dash_m_assistant_is_the_cli():
    proc = subprocess.run([sys.executable, "-m", "assistant", "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    for group in ("import-statutes", "laws", "index", "search", "ask", "quiz", "questions", "users", "serve"):
        assert group in proc.stdout


def _tool(name: str) -> str:
    path = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(path).exists():
        pytest.skip(f"{name} not installed (pip install -e '.[test]')")
    return path


def test_import_contracts_hold():
    """Dependencies point one way: cli/web -> container -> features -> ingest -> knowledge."""
    proc = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:]


def test_ruff_passes_with_the_complexity_limit():
    proc = subprocess.run([_tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:]
