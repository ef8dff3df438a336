"""Ingestion: read workshop notes from txt, md, html, docx, pdf, csv/tsv and xlsx.

``read(path)`` returns a :class:`~udsatte_nlp.records.Document`;
``collect_paths(inputs)`` expands files and folders. Heavy libraries
(python-docx, pypdf, openpyxl, BeautifulSoup) are imported only when a file
of that kind is read.
"""

from udsatte_nlp.ingest.core import READERS, read
from udsatte_nlp.ingest.dates import find_date, year_from_name
from udsatte_nlp.ingest.encoding import decode_bytes
from udsatte_nlp.ingest.paths import SUPPORTED_SUFFIXES, collect_paths

__all__ = [
    "READERS",
    "SUPPORTED_SUFFIXES",
    "collect_paths",
    "decode_bytes",
    "find_date",
    "read",
    "year_from_name",
]
