"""Schema of a project database, as an ordered list of recorded migrations.

A migration is applied once, in a transaction, and recorded in
``schema_migrations``. Never edit a released migration: append a new one.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial",
        """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE documents (
            id          INTEGER PRIMARY KEY,
            path        TEXT NOT NULL,
            name        TEXT NOT NULL,
            sha256      TEXT NOT NULL UNIQUE,
            format      TEXT NOT NULL,
            title       TEXT,
            date        TEXT,
            year        INTEGER,
            metadata    TEXT NOT NULL DEFAULT '{}',
            warnings    TEXT NOT NULL DEFAULT '[]',
            raw_text    TEXT NOT NULL,
            clean_text  TEXT NOT NULL,
            added_at    TEXT NOT NULL
        );
        CREATE INDEX documents_path ON documents(path);

        CREATE TABLE corrections (
            id           INTEGER PRIMARY KEY,
            document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            start        INTEGER NOT NULL,
            before       TEXT NOT NULL,
            after        TEXT NOT NULL,
            rule         TEXT NOT NULL,
            confidence   REAL NOT NULL DEFAULT 1.0,
            reverted     INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX corrections_document ON corrections(document_id);

        CREATE TABLE units (
            id            INTEGER PRIMARY KEY,
            document_id   INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            seq           INTEGER NOT NULL,
            kind          TEXT NOT NULL,
            section       TEXT,
            text          TEXT NOT NULL,
            original      TEXT,
            text_hash     TEXT NOT NULL,
            page          INTEGER,
            line_start    INTEGER,
            line_end      INTEGER,
            char_start    INTEGER,
            char_end      INTEGER,
            year          INTEGER,
            metadata      TEXT NOT NULL DEFAULT '{}',
            duplicate_of  INTEGER REFERENCES units(id) ON DELETE SET NULL,
            UNIQUE (document_id, seq)
        );
        CREATE INDEX units_hash ON units(text_hash);

        CREATE TABLE embeddings (
            model      TEXT NOT NULL,
            text_hash  TEXT NOT NULL,
            dim        INTEGER NOT NULL,
            vector     BLOB NOT NULL,
            PRIMARY KEY (model, text_hash)
        ) WITHOUT ROWID;

        CREATE TABLE runs (
            id          INTEGER PRIMARY KEY,
            created_at  TEXT NOT NULL,
            params      TEXT NOT NULL DEFAULT '{}',
            seed        INTEGER NOT NULL,
            model       TEXT NOT NULL,
            n_units     INTEGER NOT NULL DEFAULT 0,
            n_themes    INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE themes (
            id            INTEGER PRIMARY KEY,
            run_id        INTEGER REFERENCES runs(id) ON DELETE SET NULL,
            label         TEXT NOT NULL,
            description   TEXT NOT NULL DEFAULT '',
            keywords      TEXT NOT NULL DEFAULT '[]',
            source        TEXT NOT NULL DEFAULT 'model',
            label_source  TEXT NOT NULL DEFAULT 'model',
            stability     REAL,
            is_outlier    INTEGER NOT NULL DEFAULT 0,
            active        INTEGER NOT NULL DEFAULT 1,
            position      INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE assignments (
            unit_id   INTEGER PRIMARY KEY REFERENCES units(id) ON DELETE CASCADE,
            theme_id  INTEGER NOT NULL REFERENCES themes(id),
            score     REAL,
            source    TEXT NOT NULL CHECK (source IN ('model', 'human')),
            run_id    INTEGER REFERENCES runs(id) ON DELETE SET NULL
        );
        CREATE INDEX assignments_theme ON assignments(theme_id);

        CREATE TABLE edits (
            id          INTEGER PRIMARY KEY,
            created_at  TEXT NOT NULL,
            op          TEXT NOT NULL,
            summary     TEXT NOT NULL,
            payload     TEXT NOT NULL,
            undone      INTEGER NOT NULL DEFAULT 0
        );
        """,
    ),
]

MIGRATIONS.append(
    (
        2,
        "units duplicate key",
        """
        ALTER TABLE units ADD COLUMN dup_key TEXT;
        CREATE INDEX units_dup_key ON units(dup_key, id);
        """,
    )
)

MIGRATIONS.append(
    (
        3,
        "correction status: OCR suggestions",
        # 'applied': the cleaner made the change (every correction before this migration);
        # 'suggested': the cleaner was too unsure and left the text as it was;
        # 'accepted': a suggestion a person took up (an undoable edit that changed the input).
        """
        ALTER TABLE corrections ADD COLUMN status TEXT NOT NULL DEFAULT 'applied'
            CHECK (status IN ('applied', 'suggested', 'accepted'));
        """,
    )
)

MIGRATIONS.append(
    (
        4,
        "theme description source",
        # 'human': written by a person (kept as written); 'model': generated from the members
        # (regenerated whenever they change). Descriptions set by a describe edit that is not
        # undone were written by a person.
        """
        ALTER TABLE themes ADD COLUMN description_source TEXT NOT NULL DEFAULT 'model';
        UPDATE themes SET description_source = 'human' WHERE description != '' AND id IN (
            SELECT json_extract(c.value, '$.key') FROM edits e, json_each(e.payload) c
            WHERE e.op IN ('describe', 'create') AND e.undone = 0 AND json_extract(c.value, '$.table') = 'themes'
        );
        """,
    )
)

MIGRATIONS.append(
    (
        5,
        "theme anchors, label support and coherence; run means",
        """
        ALTER TABLE themes ADD COLUMN anchor BLOB;
        ALTER TABLE themes ADD COLUMN label_support REAL;
        ALTER TABLE themes ADD COLUMN coherence REAL;
        ALTER TABLE themes ADD COLUMN mixed INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE runs ADD COLUMN mean BLOB;
        """,
    )
)

SCHEMA_VERSION = max(version for version, _, _ in MIGRATIONS)
