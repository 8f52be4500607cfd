"""Run every regex in the package over adversarial strings and print how long each took.

Run as a child process by ``test_regex_time.py`` (a pattern that backtracks catastrophically
holds the GIL, so only a process boundary can stop it). Prints one line per pattern before it
is tried, so a pattern that hangs is named by the last line the parent saw.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import sys
import time
from collections.abc import Iterator

import rolelens

# Pieces that make regexes backtrack: runs of spaces, digits, letters, marks, and text that
# almost matches (a number, a heading mark, a tag opener) before the run and junk after it.
ATOMS = [
    " ",
    "\t",
    "a",
    "A",
    "1",
    "+",
    "-",
    "#",
    "*",
    ".",
    ",",
    "$",
    "<",
    "a ",
    "1 ",
    "R ",
    "\u00a0",
]
PREFIXES = ["", "5", "We need 5", "# a", "**a", "$1", "<a", "a:", "- ", "up to "]
SUFFIXES = ["", "x", "!", "\n", ":", "#"]


def adversarial(n: int) -> Iterator[str]:
    for atom in ATOMS:
        run = atom * (n // len(atom))
        for prefix in PREFIXES:
            for suffix in SUFFIXES:
                yield prefix + run + suffix


def _patterns_in(obj: object, seen: set[int], depth: int = 0) -> Iterator[re.Pattern[str]]:
    if depth > 4 or id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, re.Pattern):
        if isinstance(obj.pattern, str):
            yield obj
        return
    if isinstance(obj, dict):
        values: list[object] = list(obj.values())
    elif isinstance(obj, list | tuple | set | frozenset):
        values = list(obj)
    elif hasattr(obj, "__dict__") and type(obj).__module__.startswith("rolelens"):
        values = list(vars(obj).values())
    elif hasattr(obj, "__slots__") and type(obj).__module__.startswith("rolelens"):
        values = [getattr(obj, s, None) for s in obj.__slots__]
    else:
        return
    for value in values:
        yield from _patterns_in(value, seen, depth + 1)


def collect() -> dict[str, re.Pattern[str]]:
    """Every compiled str pattern: module globals, then those built inside the readers."""
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(rolelens.__path__, "rolelens."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra that is not installed
            continue
        for value in list(vars(module).values()):
            for pattern in _patterns_in(value, set()):
                found.setdefault(pattern.pattern, pattern)
    from rolelens.core.cv import CvReader
    from rolelens.core.reader import PostingReader
    from rolelens.taxonomy.loader import load_taxonomy

    taxonomy = load_taxonomy()
    built: list[object] = [PostingReader(taxonomy), CvReader(taxonomy)]
    for module_name, class_name in [
        ("rolelens.core.scoping", "Scoper"),
        ("rolelens.core.job_fit", "FitMatcher"),
    ]:
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
            built.append(cls(taxonomy))
        except (ImportError, AttributeError, TypeError):
            continue
    for obj in built:
        for pattern in _patterns_in(obj, set()):
            found.setdefault(pattern.pattern, pattern)
    return found


def main() -> None:
    """``regex_probe.py N START``: strings of about N characters, patterns from index START."""
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    start = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    texts = list(adversarial(n))
    patterns = sorted(collect().items())
    print(f"patterns {len(patterns)}", flush=True)
    for index, (source, pattern) in enumerate(patterns):
        if index < start:
            continue
        print(f"try {index} {source[:200]!r}", flush=True)
        worst = 0.0
        for text in texts:
            t0 = time.perf_counter()
            pattern.search(text)
            for _ in pattern.finditer(text):
                pass
            pattern.match(text)
            worst = max(worst, time.perf_counter() - t0)
        print(f"done {index} {worst:.4f}", flush=True)


if __name__ == "__main__":
    main()
