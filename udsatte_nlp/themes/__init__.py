"""Theme discovery: :class:`ThemeModel`, codebooks and Danish labels."""

from .codebook import CodebookTheme, load_codebook, parse_codebook
from .labels import refresh_keywords
from .model import OUTLIER_LABEL, ThemeModel

__all__ = ["ThemeModel", "refresh_keywords", "CodebookTheme", "load_codebook", "parse_codebook", "OUTLIER_LABEL"]
