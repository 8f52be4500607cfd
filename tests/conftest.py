"""Shared fixtures: the toy and bundled taxonomies, readers over them, ../shared data."""

from __future__ import annotations

from pathlib import Path

import pytest

from rolelens.core.cv import CvReader
from rolelens.core.reader import PostingReader
from rolelens.taxonomy.loader import load_taxonomy, toy_path
from rolelens.taxonomy.schema import Taxonomy

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD_POSTINGS = SHARED / "data" / "gold" / "postings_dev.jsonl"
CORPUS = SHARED / "data" / "postings" / "remotewlb.jsonl.gz"


def needs_shared(path: Path) -> pytest.MarkDecorator:
    """Skip, saying why, when a file from ../shared is not beside the project."""
    return pytest.mark.skipif(
        not path.exists(), reason=f"{path} is missing: ../shared is not beside this clone"
    )


@pytest.fixture(scope="session")
def toy_taxonomy() -> Taxonomy:
    return load_taxonomy([toy_path()], bundled=False)


@pytest.fixture(scope="session")
def toy_reader(toy_taxonomy: Taxonomy) -> PostingReader:
    return PostingReader(toy_taxonomy)


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy()


@pytest.fixture(scope="session")
def reader(taxonomy: Taxonomy) -> PostingReader:
    return PostingReader(taxonomy)


@pytest.fixture(scope="session")
def cv_reader(taxonomy: Taxonomy) -> CvReader:
    return CvReader(taxonomy)
