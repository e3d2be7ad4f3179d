"""A private XUEFA_HOME for CLI tests: the environment points at it (fake embedder, no LLM,
records under the home) and the working directory is its parent, for the test's duration."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pytest


@contextmanager
def private_home(base: Path, fill: Callable[[Path], object]) -> Iterator[Path]:
    """``base``/home, filled by ``fill`` (e.g. a copy of a built store), as XUEFA_HOME."""
    home = base / "home"
    fill(home)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("XUEFA_HOME", str(home))
        mp.setenv("XUEFA_EMBEDDER", "fake")
        for var in ("XUEFA_LLM_BASE_URL", "XUEFA_LLM_MODEL", "XUEFA_DATABASE_URL"):
            mp.delenv(var, raising=False)
        mp.chdir(base)
        yield home
