"""REFI-QDA (QDA-XML 1.0): read codebooks and projects from NVivo, ATLAS.ti, MAXQDA and QualCoder,
and bring their codings into a project (``import-coding``). Writing lives in
:mod:`udsatte_nlp.export.qdc` and :mod:`udsatte_nlp.export.qdpx`."""

from .reader import QdaCode, QdaProject, QdaSelection, QdaSource, read_codebook, read_project

__all__ = ["QdaCode", "QdaProject", "QdaSelection", "QdaSource", "read_codebook", "read_project"]
