-- Silver staging that lives across invocations: one row per run whose records are being staged for its
-- silver merge. The rows themselves sit in the unlogged tables `staging.<stage_table>` and
-- `staging.<stage_table>_rejects`; this row says how far staging got (the next raw part and the record
-- offset in it), what it counted, and whether every raw part of the run is staged. Each staging chunk
-- copies its rows and moves this position in ONE transaction, so the rows and the position never disagree.
-- The merge drops the tables and this row in its own transaction; the tables of a run that ended without
-- merging are dropped by the next step or reconcile tick that sweeps (shared/silver/dropEndedRunStaging.ts).
CREATE TABLE platform.silver_staging (
  run_id            text        PRIMARY KEY REFERENCES platform.runs (run_id) ON DELETE CASCADE,
  stage_table       text        NOT NULL UNIQUE,
  next_part         integer     NOT NULL DEFAULT 0,
  next_offset       integer     NOT NULL DEFAULT 0,
  complete          boolean     NOT NULL DEFAULT false,
  -- Chunks that staged rows: with more than one, repeated keys are searched in SQL at merge time.
  chunks            integer     NOT NULL DEFAULT 0,
  records_read      bigint      NOT NULL DEFAULT 0,
  records_rejected  bigint      NOT NULL DEFAULT 0,
  rows_staged       bigint      NOT NULL DEFAULT 0,
  maybe_duplicates  bigint      NOT NULL DEFAULT 0,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
