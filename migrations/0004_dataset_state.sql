-- Incremental state of each dataset, and what the files connector imported.
--
-- A connector returns the cursor it reached (YNAB server_knowledge per budget, the largest updated_at
-- seen, an ETag…) with its last extract chunk. The cursor is staged per run and becomes the dataset's
-- committed cursor only when silver has committed that run, in the same transaction when possible, so a
-- run that fails after extraction is extracted again from the old cursor and no change is skipped.

CREATE TABLE platform.dataset_state (
  source            text        NOT NULL,
  dataset           text        NOT NULL,
  -- Connector-defined JSON, parsed by the connector's own schema on the next run.
  cursor            jsonb       NOT NULL,
  committed_run_id  text        REFERENCES platform.runs (run_id) ON DELETE SET NULL,
  committed_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, dataset)
);

-- The cursor a run reached, waiting for that run's silver commit. Restaging (a continuation, a redelivered
-- step) replaces it; a failed run's row is simply never committed.
CREATE TABLE platform.pending_cursors (
  run_id     text        PRIMARY KEY REFERENCES platform.runs (run_id) ON DELETE CASCADE,
  source     text        NOT NULL,
  dataset    text        NOT NULL,
  cursor     jsonb       NOT NULL,
  staged_at  timestamptz NOT NULL DEFAULT now()
);

-- Files the files connector imported, by content hash. A row is pending until its run commits; a
-- committed hash is never imported again for the same dataset, whatever the file is called.
CREATE TABLE platform.imported_files (
  source        text        NOT NULL,
  dataset       text        NOT NULL,
  sha256        text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  run_id        text        NOT NULL REFERENCES platform.runs (run_id) ON DELETE CASCADE,
  file_name     text        NOT NULL,
  bytes         bigint      NOT NULL,
  records       bigint      NOT NULL,
  rejected      bigint      NOT NULL DEFAULT 0,
  archived_as   text,
  imported_at   timestamptz NOT NULL DEFAULT now(),
  committed_at  timestamptz,
  PRIMARY KEY (source, dataset, sha256, run_id)
);

CREATE UNIQUE INDEX imported_files_committed_once ON platform.imported_files (source, dataset, sha256)
  WHERE committed_at IS NOT NULL;
CREATE INDEX imported_files_by_run ON platform.imported_files (run_id);
