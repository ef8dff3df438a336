"""What is in a model folder, read from its files without loading the model.

A sentence-transformers folder (what ``SentenceTransformer.save()`` writes, and what
a model's page on the Hugging Face hub holds) has ``modules.json`` listing its
modules (a Transformer, a Pooling layer, often Normalize), the Transformer's
``config.json``, its weights (``model.safetensors`` or ``pytorch_model.bin``),
its tokenizer files and usually a model card (``README.md``) whose YAML front
matter names the licence and languages. A plain transformers folder (no
``modules.json``) also loads: sentence-transformers then averages the token
vectors.

:func:`inspect_folder` checks those files and says in one Danish line what is
missing; :func:`folder_problem` is the same check for listings (no exception).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError

__all__ = ["FolderFacts", "inspect_folder", "folder_problem"]

WEIGHTS = ("model.safetensors", "pytorch_model.bin", "model.safetensors.index.json", "pytorch_model.bin.index.json")
TOKENIZER = ("tokenizer.json", "vocab.txt", "sentencepiece.bpe.model", "tokenizer.model", "spiece.model", "vocab.json")
_LFS = b"version https://git-lfs"
_E5 = re.compile(r"(?<![a-z0-9])e5(?![a-z0-9])")


@dataclass(frozen=True)
class FolderFacts:
    """What a model folder's files say about the model."""

    folder: Path
    transformer: Path  # the folder with config.json, weights and tokenizer
    sentence_transformers: bool  # has modules.json (else: plain transformers, mean pooling)
    licence: str = ""
    languages: tuple[str, ...] = ()
    base_names: tuple[str, ...] = field(default=())  # names the files give the model (card, config)

    @property
    def looks_e5(self) -> bool:
        """The folder or its files name an e5 model (which wants the ``query: `` prefix)."""
        return any(_E5.search(n.lower()) for n in (self.folder.name, *self.base_names))

    @property
    def danish(self) -> bool | None:
        """Whether the model card lists Danish (or multilingual); ``None``: it does not say."""
        if not self.languages:
            return None
        return any(lang.lower() in ("da", "dan", "danish", "multilingual") for lang in self.languages)


def inspect_folder(folder: str | Path) -> FolderFacts:
    """The facts of a model folder, or a :class:`ConfigError` naming the folder and what is wrong."""
    path = Path(folder).expanduser()
    if not path.exists():
        raise ConfigError("Mappen findes ikke", path=path, hint="Tjek stien til modelmappen")
    if not path.is_dir():
        raise ConfigError(
            "Det er en fil, ikke en modelmappe", path=path, hint="Angiv mappen, der indeholder config.json og vægtene"
        )
    modules = path / "modules.json"
    transformer = path
    if modules.is_file():
        try:
            spec = json.loads(modules.read_text(encoding="utf-8"))
            sub = next(m.get("path", "") for m in spec if str(m.get("type", "")).endswith("Transformer"))
        except (ValueError, TypeError, AttributeError, StopIteration):
            raise ConfigError(
                "modules.json er ødelagt eller nævner ingen Transformer", path=path,
                hint="Kopiér modelmappen igen fra kilden",
            ) from None  # fmt: skip
        transformer = path / sub if sub else path
    elif not (path / "config.json").is_file():
        inner = sorted(p.parent for p in path.glob("*/modules.json"))
        hint = (
            f"Brug undermappen {inner[0]}, som indeholder modellen"
            if inner
            else "Angiv mappen med modellens filer (modules.json, config.json, model.safetensors og tokenizer)"
        )
        raise ConfigError(
            "Mappen er ikke en sentence-transformers-model (hverken modules.json eller config.json)", path=path, hint=hint
        )
    config = _json(transformer / "config.json")
    if config is None:
        raise ConfigError("Modellen mangler config.json", path=transformer, hint="Kopiér hele modelmappen igen")
    weights = [transformer / w for w in WEIGHTS if (transformer / w).is_file()]
    if not weights:
        raise ConfigError(
            "Modellen mangler vægtene (model.safetensors eller pytorch_model.bin)", path=transformer,
            hint="Kopiér hele modelmappen igen, også de store filer",
        )  # fmt: skip
    for w in weights:
        if w.stat().st_size < 2048 and w.read_bytes().startswith(_LFS):
            raise ConfigError(
                f"{w.name} er kun en Git LFS-henvisning, ikke selve vægtene", path=transformer,
                hint="Hent filerne med 'git lfs pull' i modellens mappe, eller kopiér dem fra kilden",
            )  # fmt: skip
    if not any((transformer / t).is_file() for t in TOKENIZER):
        raise ConfigError(
            "Modellen mangler sin tokenizer (tokenizer.json eller vocab.txt)", path=transformer,
            hint="Kopiér hele modelmappen igen",
        )  # fmt: skip
    card = _front_matter(path / "README.md")
    names = [str(config.get("_name_or_path") or "")]
    for key in ("base_model", "model_name"):
        value = card.get(key)
        names.extend(value if isinstance(value, list) else [value or ""])
    for entry in card.get("model-index") or []:
        if isinstance(entry, dict):
            names.append(str(entry.get("name") or ""))
    langs = card.get("language") or []
    langs = [langs] if isinstance(langs, str) else [str(x) for x in langs if x]
    licence = card.get("license") or ""
    return FolderFacts(
        folder=path.resolve(),
        transformer=transformer.resolve(),
        sentence_transformers=modules.is_file(),
        licence=str(licence),
        languages=tuple(langs),
        base_names=tuple(str(n) for n in names if n),
    )


def folder_problem(folder: str | Path) -> str | None:
    """``None`` when the folder has every file a model needs, else the reason in Danish."""
    try:
        inspect_folder(folder)
    except ConfigError as exc:
        return exc.message
    return None


def _json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _front_matter(card: Path) -> dict:
    """The YAML front matter of a model card (``---`` ... ``---`` at the top), or ``{}``."""
    try:
        text = card.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    if end < 0:
        return {}
    import yaml

    try:
        data = yaml.safe_load(text[3:end])
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}
