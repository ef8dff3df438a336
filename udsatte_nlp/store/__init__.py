"""The project store: one SQLite file per analysis project.

All writes go through :meth:`ProjectStore.atomic`, so a crash or a kill at any
moment leaves the project as it was before the write or with the write
complete (SQLite transactions in WAL mode). Vectors are stored as raw float32
bytes; the store never pickles anything.

>>> store = ProjectStore(":memory:")
>>> store.info()["documents"]
0
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConflictError, ProjectError
from .schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["ProjectStore", "text_hash", "now"]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def text_hash(text: str) -> str:
    """Stable key of a unit text for the embedding cache."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


class ProjectStore:
    """An analysis project in one SQLite file.

    Parameters
    ----------
    path:
        The ``.db`` file (created when missing unless ``create=False``), or
        ``":memory:"`` for tests.
    create:
        Whether a missing file may be created.
    """

    def __init__(self, path: str | Path, *, create: bool = True, timeout: float = 15.0):
        self.path = str(path)
        if self.path != ":memory:":
            p = Path(self.path)
            if not p.exists() and not create:
                raise ProjectError(
                    "Projektet findes ikke", path=self.path, hint="Kør først 'udsatte-nlp analyze' med --project"
                )
            if p.exists() and p.is_dir():
                raise ProjectError("Stien er en mappe, ikke en projektfil", path=self.path, hint="Angiv en fil som projekt.db")
            if not p.parent.exists():
                raise ProjectError("Mappen til projektet findes ikke", path=self.path, hint="Opret mappen først")
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self._depth = 0
            self._lock = threading.RLock()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise ProjectError(
                f"Filen er ikke en gyldig projektdatabase ({exc})",
                path=self.path,
                hint="Angiv en anden fil med --project",
            ) from None

    # ------------------------------------------------------------------ basics
    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> ProjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """A transaction (nested calls become savepoints). Commits on success, rolls back on error."""
        with self._lock:
            if self._depth == 0:
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                except sqlite3.OperationalError as exc:
                    raise ProjectError(
                        f"Projektet er låst af en anden proces ({exc})",
                        path=self.path,
                        hint="Vent lidt og prøv igen",
                    ) from None
                self._depth = 1
                try:
                    yield self.conn
                except BaseException:
                    self.conn.execute("ROLLBACK")
                    raise
                else:
                    self.conn.execute("COMMIT")
                finally:
                    self._depth = 0
            else:
                name = f"sp{self._depth}"
                self._depth += 1
                self.conn.execute(f"SAVEPOINT {name}")
                try:
                    yield self.conn
                except BaseException:
                    self.conn.execute(f"ROLLBACK TO {name}")
                    self.conn.execute(f"RELEASE {name}")
                    raise
                else:
                    self.conn.execute(f"RELEASE {name}")
                finally:
                    self._depth -= 1

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}
        if applied and max(applied) > SCHEMA_VERSION:
            raise ProjectError(
                "Projektet er lavet med en nyere version af udsatte-nlp",
                path=self.path,
                hint="Opdater udsatte-nlp",
            )
        for version, name, sql in MIGRATIONS:
            if version in applied:
                continue
            with self.atomic() as conn:
                for statement in sql.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(
                    "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                    (version, name, now()),
                )
                conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('revision', '0')")

    @property
    def schema_version(self) -> int:
        return self.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]

    @property
    def revision(self) -> int:
        """A counter bumped by every write; used for optimistic concurrency checks."""
        return int(self.conn.execute("SELECT value FROM meta WHERE key = 'revision'").fetchone()[0])

    def _bump(self) -> int:
        self.conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
        return self.revision

    @property
    def units_version(self) -> int:
        """A counter bumped by every write to the inputs or their documents (not by theme edits):
        what is derived from the inputs alone (:meth:`counted_as`) is kept until it changes."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'units_version'").fetchone()
        return int(row[0]) if row else 0

    def _units_changed(self) -> None:
        self.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('units_version', '1')"
            " ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def check_revision(self, expected: int | None) -> None:
        if expected is not None and expected != self.revision:
            raise ConflictError(
                "Projektet er ændret et andet sted, siden siden blev indlæst",
                path=self.path,
                hint="Genindlæs og prøv igen",
            )

    # --------------------------------------------------------------- documents
    def document_by_sha(self, sha256: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE sha256 = ?", (sha256,)).fetchone()

    def documents(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM documents ORDER BY id").fetchall()

    def document(self, document_id: int) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            raise ProjectError(f"Dokument {document_id} findes ikke i projektet", path=self.path)
        return row

    def add_document(self, doc: Any, clean_text: str, corrections: Sequence[Any], units: Sequence[Any]) -> tuple[int, bool]:
        """Store a cleaned, segmented document. Returns ``(id, added)``.

        Re-adding a file with the same content is a no-op (``added`` is False).
        A file at the same path with new content replaces the old version; inputs
        a person placed in a theme keep that theme when the new version still has
        them word for word.
        """
        with self.atomic() as conn:
            existing = self.document_by_sha(doc.sha256)
            if existing is not None:
                return int(existing["id"]), False
            placed: dict[str, tuple[int, Any]] = {}  # a person's placements in the old version, by text
            for old in conn.execute("SELECT id FROM documents WHERE path = ?", (doc.path,)).fetchall():
                for r in conn.execute(
                    "SELECT u.text_hash, a.theme_id, a.score FROM units u JOIN assignments a ON a.unit_id = u.id"
                    " WHERE u.document_id = ? AND a.source = 'human' ORDER BY u.seq",
                    (int(old["id"]),),
                ):
                    placed.setdefault(r[0], (int(r[1]), r[2]))
                self._delete_document(int(old["id"]))
            cur = conn.execute(
                "INSERT INTO documents(path, name, sha256, format, title, date, year, metadata, warnings,"
                " raw_text, clean_text, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc.path,
                    doc.name,
                    doc.sha256,
                    doc.format,
                    doc.title,
                    doc.date,
                    doc.year,
                    _json(doc.metadata),
                    _json(doc.warnings),
                    doc.text,
                    clean_text,
                    now(),
                ),
            )
            doc_id = int(cur.lastrowid)
            conn.executemany(
                "INSERT INTO corrections(document_id, start, before, after, rule, confidence, status)"
                " VALUES (?,?,?,?,?,?,?)",
                [
                    (doc_id, c.start, c.before, c.after, c.rule, c.confidence, getattr(c, "status", "applied"))
                    for c in corrections
                ],
            )
            conn.executemany(
                "INSERT INTO units(document_id, seq, kind, section, text, original, text_hash, page, line_start,"
                " line_end, char_start, char_end, year, metadata) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        doc_id,
                        i,
                        u.kind,
                        u.section,
                        u.text,
                        u.original,
                        text_hash(u.text),
                        u.page,
                        u.line_start,
                        u.line_end,
                        u.start,
                        u.end,
                        _unit_year(u, doc),
                        _json(u.metadata),
                    )
                    for i, u in enumerate(units)
                ],
            )
            if placed:  # inputs that are still there, word for word, stay where the person put them
                conn.executemany(
                    "INSERT INTO assignments(unit_id, theme_id, score, source) VALUES (?,?,?,'human')",
                    [
                        (int(r[0]), *placed[r[1]])
                        for r in conn.execute("SELECT id, text_hash FROM units WHERE document_id = ?", (doc_id,))
                        if r[1] in placed
                    ],
                )
            self._link_duplicates(doc_id)
            self._units_changed()
            self._bump()
            return doc_id, True

    def _delete_document(self, doc_id: int) -> None:
        self.conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
        self._units_changed()

    def _link_duplicates(self, doc_id: int) -> None:
        """Point each unit of ``doc_id`` whose text was seen before (anywhere in the project) at
        its first occurrence. Texts count as the same when their words match, ignoring case,
        punctuation and spacing (:func:`~udsatte_nlp.segment.duplicate_key`): the same post-it
        typed twice. Duplicates are linked, never dropped."""
        from ..segment import duplicate_key

        # fill the key where it is missing (this document, or rows from before migration 2)
        missing = self.conn.execute("SELECT id, text FROM units WHERE dup_key IS NULL").fetchall()
        self.conn.executemany(
            "UPDATE units SET dup_key = ? WHERE id = ?", [(duplicate_key(r[1]) or "", r[0]) for r in missing]
        )
        # an indexed look-up per unit: linear in the project's size, not quadratic
        self.conn.execute(
            """
            UPDATE units SET duplicate_of = (
                SELECT min(u2.id) FROM units u2 WHERE u2.dup_key = units.dup_key AND u2.id < units.id
            )
            WHERE document_id = ? AND dup_key != ''
            """,
            (doc_id,),
        )

    # ------------------------------------------------------------------- units
    def counted_as(self) -> dict[int, int]:
        """Which input each unit counts as: itself, or the copy in an earlier file that it repeats.

        The same input typed into two files of the same year (a post-it in both the
        spreadsheet and the Word notes) is one input: it is counted once in the app
        and the reports, and listed once with both sources. Texts are the same as for
        duplicates (:func:`~udsatte_nlp.segment.duplicate_key`). A text repeated within
        one file counts each time (two tables wrote it): the second copy in one file
        pairs with the second copy in another. Another year's notes count anew.
        """
        from ..segment import duplicate_key

        # every view of the app asks for this; it changes only when the inputs or documents do,
        # not with a decision about a theme (1.4 s at 300,000 inputs)
        key = (self.units_version, *self.conn.execute("SELECT count(*), max(id) FROM units").fetchone())
        cached = getattr(self, "_counted", None)
        if cached is not None and cached[0] == key:
            return dict(cached[1])
        rows = self.conn.execute(
            "SELECT u.id, u.document_id, coalesce(u.year, d.year), u.dup_key, u.text FROM units u"
            " JOIN documents d ON d.id = u.document_id ORDER BY u.id"
        ).fetchall()
        first: dict[tuple[str, Any, int], int] = {}  # (text key, year, n-th copy in its file) -> input
        copies: Counter[tuple[str, Any, int]] = Counter()  # (text key, year, file) -> copies seen
        out: dict[int, int] = {}
        for uid, doc, year, text_key, text in rows:
            text_key = duplicate_key(text) if text_key is None else text_key
            if not text_key:
                out[int(uid)] = int(uid)
                continue
            rank = copies[(text_key, year, doc)]
            copies[(text_key, year, doc)] += 1
            out[int(uid)] = first.setdefault((text_key, year, rank), int(uid))
        self._counted = (key, out)
        return dict(out)

    def units(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT u.*, d.name AS document, d.path AS document_path FROM units u"
            " JOIN documents d ON d.id = u.document_id ORDER BY u.document_id, u.seq"
        ).fetchall()

    # -------------------------------------------------------------- embeddings
    def get_embeddings(self, model: str, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """Cached vectors for the given text hashes (missing ones are simply absent)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({marks})",
                (model, *chunk),
            ):
                found[row[0]] = np.frombuffer(row[1], dtype=np.float32)
        return found

    #: Above this many wanted vectors they are read in one pass over the model's rows, not by key.
    SCAN_ABOVE = 20000

    def embedding_blocks(
        self, model: str, hashes: Iterable[str], size: int = 4096
    ) -> Iterator[tuple[list[str], np.ndarray]]:
        """The cached vectors among ``hashes`` (each hash once) in blocks: ``(hashes, float32 matrix)``
        of up to ``size`` rows. Nothing is held between blocks, so a caller can fill one matrix
        without an object per vector. Many hashes are read in one pass over the model's vectors
        (its rows lie together in the table), a few by key."""
        wanted = set(hashes) if not isinstance(hashes, set | dict) else hashes
        if len(wanted) > self.SCAN_ABOVE:
            rows = self.conn.execute("SELECT text_hash, vector FROM embeddings WHERE model = ?", (model,))
        else:
            keys = list(wanted)
            rows = (
                row
                for i in range(0, len(keys), 500)
                for row in self.conn.execute(
                    f"SELECT text_hash, vector FROM embeddings WHERE model = ? AND text_hash IN ({','.join('?' * len(keys[i : i + 500]))})",
                    (model, *keys[i : i + 500]),
                )
            )
        block_h: list[str] = []
        block_v: list[bytes] = []
        for h, v in rows:
            if h not in wanted:
                continue
            block_h.append(h)
            block_v.append(v)
            if len(block_h) == size:
                yield block_h, np.frombuffer(b"".join(block_v), dtype=np.float32).reshape(len(block_h), -1)
                block_h, block_v = [], []
        if block_h:
            yield block_h, np.frombuffer(b"".join(block_v), dtype=np.float32).reshape(len(block_h), -1)

    def embedding_matrix(self, model: str, hashes: Sequence[str]) -> tuple[np.ndarray | None, np.ndarray]:
        """The cached vectors of ``hashes`` as one float32 matrix, row for row (a hash may repeat),
        and a mask of the rows found; rows not found are zero. ``(None, mask)`` when none is cached."""
        first: dict[str, int] = {}
        for i, h in enumerate(hashes):
            first.setdefault(h, i)
        found = np.zeros(len(hashes), dtype=bool)
        out: np.ndarray | None = None
        for block, V in self.embedding_blocks(model, first):
            if out is None:
                out = np.zeros((len(hashes), V.shape[1]), dtype=np.float32)
            rows = np.fromiter((first[h] for h in block), dtype=np.int64, count=len(block))
            out[rows] = V
            found[rows] = True
        if out is not None:
            repeats = np.array([i for i, h in enumerate(hashes) if first[h] != i], dtype=np.int64)
            if len(repeats):
                sources = np.array([first[hashes[i]] for i in repeats], dtype=np.int64)
                out[repeats] = out[sources]
                found[repeats] = found[sources]
        return out, found

    def put_embeddings(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        with self.atomic() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO embeddings(model, text_hash, dim, vector) VALUES (?,?,?,?)",
                [
                    (model, h, int(v.shape[-1]), np.ascontiguousarray(v, dtype=np.float32).tobytes())
                    for h, v in vectors.items()
                ],
            )

    # ------------------------------------------------------------ runs, themes
    def add_run(self, params: dict[str, Any], seed: int, model: str) -> int:
        with self.atomic() as conn:
            cur = conn.execute(
                "INSERT INTO runs(created_at, params, seed, model) VALUES (?,?,?,?)",
                (now(), _json(params), seed, model),
            )
            return int(cur.lastrowid)

    def runs(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM runs ORDER BY id").fetchall()

    def save_model_themes(
        self,
        run_id: int,
        themes: Sequence[Any],
        unit_ids: Sequence[int],
        labels: Sequence[int],
        scores: Sequence[float],
    ) -> dict[int, int]:
        """Store a fresh fit's themes as new themes (no matching with earlier runs), keeping
        human decisions: units a person placed keep their theme, and a person's themes stay.
        Returns a map from the model's theme ids to the new database ids. (``analyze``
        continues earlier themes instead: :func:`~udsatte_nlp.themes.identity.reconcile`
        and :meth:`save_plan`.)"""
        from ..themes.identity import Plan, PlannedTheme

        order = list(themes)
        index = {t.id: i for i, t in enumerate(order)}
        plan = Plan(
            [
                PlannedTheme(key=None, label=t.label, source=t.source, keywords=list(t.keywords),
                             description=t.description, stability=t.stability, is_outlier=t.source == "outlier")
                for t in order
            ],
            np.asarray([index[int(x)] for x in labels], dtype=int),
            np.asarray(scores, dtype=float),
        )
        keys = self.save_plan(run_id, plan, unit_ids)
        return {t.id: keys[i] for i, t in enumerate(order)}

    def themes(self, *, active_only: bool = True) -> list[sqlite3.Row]:
        where = "WHERE t.active = 1" if active_only else ""
        return self.conn.execute(
            "SELECT t.*, (SELECT count(*) FROM assignments a WHERE a.theme_id = t.id) AS size"
            f" FROM themes t {where} ORDER BY t.is_outlier, t.position, t.id"
        ).fetchall()

    def theme(self, theme_id: int) -> sqlite3.Row:
        row = self.conn.execute("SELECT * FROM themes WHERE id = ?", (theme_id,)).fetchone()
        if row is None:
            raise ProjectError(f"Tema {theme_id} findes ikke i projektet", path=self.path)
        return row

    def assignments(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM assignments ORDER BY unit_id").fetchall()

    def corrections(self, document_id: int | None = None) -> list[sqlite3.Row]:
        """The corrections the cleaner made (not its suggestions, see :meth:`suggestions`)."""
        return self._corrections(document_id, "c.status = 'applied'")

    def suggestions(self, document_id: int | None = None) -> list[sqlite3.Row]:
        """The cleaner's suggestions: changes it did not make (``status`` 'suggested'), or that a
        person accepted (``status`` 'accepted'); ``start`` is a position in the cleaned text."""
        return self._corrections(document_id, "c.status IN ('suggested', 'accepted')")

    def _corrections(self, document_id: int | None, where: str) -> list[sqlite3.Row]:
        if document_id is None:
            return self.conn.execute(
                "SELECT c.*, d.name AS document FROM corrections c JOIN documents d ON d.id = c.document_id"
                f" WHERE {where} ORDER BY c.document_id, c.start"
            ).fetchall()
        return self.conn.execute(
            f"SELECT * FROM corrections c WHERE c.document_id = ? AND {where} ORDER BY c.start", (document_id,)
        ).fetchall()

    # ------------------------------------------------------------------- views
    def unit_table(self) -> list[dict[str, Any]]:
        """One dict per unit with its document, year, section, text and theme (for exports)."""
        rows = self.conn.execute(
            """
            SELECT u.id AS unit_id, d.name AS document, coalesce(u.year, d.year) AS year, u.section,
                   u.kind, u.text, u.page, u.line_start, u.duplicate_of,
                   t.id AS theme_id, t.label AS theme_label, a.score, a.source AS assigned_by
            FROM units u
            JOIN documents d ON d.id = u.document_id
            LEFT JOIN assignments a ON a.unit_id = u.id
            LEFT JOIN themes t ON t.id = a.theme_id
            ORDER BY u.document_id, u.seq
            """
        ).fetchall()
        return [dict(r) for r in rows]

    def info(self) -> dict[str, Any]:
        one = lambda sql: self.conn.execute(sql).fetchone()[0]  # noqa: E731
        last = self.conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        years = [r[0] for r in self.conn.execute("SELECT DISTINCT year FROM documents WHERE year IS NOT NULL ORDER BY year")]
        return {
            "path": self.path,
            "schema_version": self.schema_version,
            "documents": one("SELECT count(*) FROM documents"),
            "units": one("SELECT count(*) FROM units"),
            "duplicates": one("SELECT count(*) FROM units WHERE duplicate_of IS NOT NULL"),
            # inputs cut out of text without sentence punctuation (see udsatte_nlp.cut)
            "cut_units": one("SELECT count(*) FROM units WHERE json_extract(metadata, '$.cut') IS NOT NULL"),
            "corrections": one("SELECT count(*) FROM corrections WHERE status = 'applied'"),
            "suggestions": one("SELECT count(*) FROM corrections WHERE status = 'suggested'"),
            "accepted_suggestions": one("SELECT count(*) FROM corrections WHERE status = 'accepted'"),
            "embeddings": one("SELECT count(*) FROM embeddings"),
            "runs": one("SELECT count(*) FROM runs"),
            "themes": one("SELECT count(*) FROM themes WHERE active = 1"),
            "human_assignments": one("SELECT count(*) FROM assignments WHERE source = 'human'"),
            "edits": one("SELECT count(*) FROM edits WHERE undone = 0"),
            "years": years,
            "last_run": dict(last) if last else None,
        }

    # ------------------------------------------------------------------- runs
    from .plans import save_plan, theme_state  # noqa: E402

    # ------------------------------------------------------------------- edits
    # Human edits live in edits.py; they are methods here for convenience.
    from .edits import (  # noqa: E402
        accept_suggestion,
        create_theme,
        describe_theme,
        edit_history,
        mark_outlier,
        merge_themes,
        move_units,
        place_units,
        redo,
        rename_theme,
        revert_correction,
        split_theme,
        theme_named,
        undo,
    )


def _unit_year(unit: Any, doc: Any) -> int | None:
    """A row's own year column (``år``, ``year`` …) wins over the document's year."""
    meta = getattr(unit, "metadata", None) or {}
    for key, value in meta.items():
        if str(key).strip().casefold() in _YEAR_KEYS and value not in (None, ""):
            try:
                year = int(float(str(value).strip()))
            except ValueError:
                continue
            if 1900 <= year <= 2100:
                return year
    return doc.year


_YEAR_KEYS = {"år", "aar", "year", "årstal", "aarstal"}
