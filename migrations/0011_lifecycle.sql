-- Data lifecycle (docs/operations.md): replays, backups requested by the schedule, and raw-store sizes.

-- A replay rebuilds one dataset's silver table in schema `replay` and swaps it in when done; the table it
-- replaced moves to `silver_old` (renamed after the replay) and stays until `dp replay … --drop-old`.
CREATE SCHEMA IF NOT EXISTS replay;
CREATE SCHEMA IF NOT EXISTS silver_old;

CREATE TABLE platform.replays (
  -- The run id of the run that holds the dataset while the replay works (platform.runs, trigger 'manual').
  replay_id         text        PRIMARY KEY,
  source            text        NOT NULL,
  dataset           text        NOT NULL,
  -- The first run rebuilt; null when the whole history was rebuilt.
  from_run          text,
  -- Runs merged again, in their original order.
  runs              integer     NOT NULL DEFAULT 0,
  metadata_version  bigint,
  status            text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  started_at        timestamptz NOT NULL DEFAULT now(),
  finished_at       timestamptz,
  -- What the swap replaced, kept until dropped: `silver_old.<table>` and a bronze collection.
  old_table         text,
  old_collection    text,
  dropped_at        timestamptz,
  detail            jsonb       NOT NULL DEFAULT '{}'::jsonb,
  error             jsonb
);

CREATE INDEX replays_by_dataset ON platform.replays (source, dataset, started_at DESC);

-- Backups: the cron schedule of the `backup` function records a request; the backup agent (a compose
-- service with pg_dump, outside the 60 s function limit) claims it, runs it and records the outcome.
-- `dp backup` records its backups here too. At most one backup is requested or running at a time.
CREATE TABLE platform.backups (
  backup_id     bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  trigger_kind  text        NOT NULL CHECK (trigger_kind IN ('schedule', 'manual')),
  status        text        NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'running', 'succeeded', 'failed')),
  requested_at  timestamptz NOT NULL DEFAULT now(),
  started_at    timestamptz,
  finished_at   timestamptz,
  -- The archive's id in its target (`20261126T031500Z`) and the target.
  archive_id    text,
  location      text,
  stored_bytes  bigint,
  detail        jsonb       NOT NULL DEFAULT '{}'::jsonb,
  error         jsonb
);

CREATE UNIQUE INDEX backups_one_open ON platform.backups ((true)) WHERE status IN ('requested', 'running');

-- The raw store's size per dataset, measured when the bronze step applies retention (the orchestrator,
-- which serves `dp status`, has no access to the raw store).
CREATE TABLE platform.raw_usage (
  source            text        NOT NULL,
  dataset           text        NOT NULL,
  runs              integer     NOT NULL,
  files             integer     NOT NULL,
  bytes             bigint      NOT NULL,
  -- Part files gzipped by retention (`raw_compress_days`), included in files and bytes.
  compressed_files  integer     NOT NULL,
  compressed_bytes  bigint      NOT NULL,
  measured_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, dataset)
);
