from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Tests never write into the repository's (or the user's) model registry: every test gets its own.
os.environ["UDSATTE_MODELS"] = tempfile.mkdtemp(prefix="udsatte-models-")
atexit.register(shutil.rmtree, os.environ["UDSATTE_MODELS"], True)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
CORPORA = ROOT / "corpora"


@pytest.fixture(autouse=True)
def _own_model_registry(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("UDSATTE_MODELS", str(tmp_path_factory.mktemp("models")))


@pytest.fixture
def store():
    from udsatte_nlp.store import ProjectStore

    s = ProjectStore(":memory:")
    yield s
    s.close()


@pytest.fixture
def lexical():
    from udsatte_nlp.embed import LexicalEmbedder

    return LexicalEmbedder(256)


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


requires_seeds = pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds not present")


def open_copy(template: Path, tmp_path: Path):
    """A fresh copy of a template project, open for one test (a fixture's body:
    ``yield from open_copy(template, tmp_path)``)."""
    from udsatte_nlp.store import ProjectStore

    path = tmp_path / "p.db"
    shutil.copy(template, path)
    s = ProjectStore(path, create=False)
    yield s
    s.close()
