"""Theme discovery: :class:`ThemeModel`, codebooks and Danish labels."""

from .codebook import CodebookTheme, load_codebook, parse_codebook
from .model import OUTLIER_LABEL, ThemeModel

__all__ = ["ThemeModel", "CodebookTheme", "load_codebook", "parse_codebook", "OUTLIER_LABEL"]
