"""Shared fixtures: the toy and bundled taxonomies, readers over them, ../shared data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rolelens.core.cv import CvReader
from rolelens.core.reader import PostingReader
from rolelens.taxonomy.loader import load_taxonomy, toy_path
from rolelens.taxonomy.models import Taxonomy

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from rolelens.service import Service

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


@pytest.fixture(scope="module")
def service() -> Service:
    """A service over the bundled taxonomy, one per test module (a module may define its own)."""
    from rolelens.service import Service

    return Service(load_taxonomy())


@pytest.fixture(scope="module")
def client(service: Service) -> Iterator[TestClient]:
    """The HTTP app over ``service``, its worker pool started and stopped with the module."""
    testclient = pytest.importorskip("fastapi.testclient", reason="the 'serve' extra is missing")
    from rolelens.web.app import create_app

    with testclient.TestClient(create_app(service=service)) as c:
        yield c
