-- Run audit and orchestration state. One row per run of a dataset (or of a gold model), and one row
-- per step invocation of that run. The orchestrator keeps all its state here, so any instance can
-- continue any run; the layer steps write their counts and timings here.

CREATE TABLE platform.runs (
  run_id            text PRIMARY KEY,
  -- 'dataset' runs extract → bronze → silver (→ dependent gold); 'gold' runs rebuild one model.
  kind              text        NOT NULL CHECK (kind IN ('dataset', 'gold')),
  source            text        NOT NULL,   -- source name, or 'gold' for model runs
  dataset           text        NOT NULL,   -- dataset name, or the model name
  load              text        CHECK (load IN ('full', 'delta')),
  trigger_kind      text        NOT NULL CHECK (trigger_kind IN ('schedule', 'event', 'webhook', 'manual', 'retry')),
  trigger_detail    jsonb       NOT NULL DEFAULT '{}'::jsonb,
  metadata_version  bigint,
  status            text        NOT NULL DEFAULT 'pending'
                                CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
  -- For a skipped trigger: the run that was already active for the same dataset.
  skipped_for       text        REFERENCES platform.runs (run_id),
  -- The single timestamp silver uses as _valid_from/_valid_to for this run.
  boundary_at       timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now(),
  started_at        timestamptz,
  finished_at       timestamptz,
  error             jsonb
);

-- At most one active run per dataset; a second trigger becomes a 'skipped' row instead.
CREATE UNIQUE INDEX runs_one_active_per_dataset ON platform.runs (kind, source, dataset)
  WHERE status IN ('pending', 'running');
CREATE INDEX runs_by_dataset_created ON platform.runs (source, dataset, created_at DESC);
CREATE INDEX runs_by_status ON platform.runs (status) WHERE status IN ('pending', 'running');

CREATE TABLE platform.run_steps (
  run_id          text        NOT NULL REFERENCES platform.runs (run_id) ON DELETE CASCADE,
  -- 'extract', 'bronze', 'silver', or 'gold' for model runs.
  step            text        NOT NULL,
  -- Continuation number: a step that stops at its time budget returns a checkpoint and goes on in chunk + 1.
  chunk           integer     NOT NULL DEFAULT 0 CHECK (chunk >= 0),
  status          text        NOT NULL DEFAULT 'dispatched'
                              CHECK (status IN ('dispatched', 'running', 'succeeded', 'failed')),
  attempt         integer     NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  call_id         text,
  dispatched_at   timestamptz NOT NULL DEFAULT now(),
  started_at      timestamptz,
  finished_at     timestamptz,
  duration_ms     integer,
  -- Where the next chunk starts (superjson), when the step stopped at its budget.
  checkpoint      jsonb,
  next_attempt_at timestamptz,
  rows_read       bigint      NOT NULL DEFAULT 0,
  rows_inserted   bigint      NOT NULL DEFAULT 0,
  rows_updated    bigint      NOT NULL DEFAULT 0,
  rows_closed     bigint      NOT NULL DEFAULT 0,
  rows_deleted    bigint      NOT NULL DEFAULT 0,
  rows_rejected   bigint      NOT NULL DEFAULT 0,
  rows_unchanged  bigint      NOT NULL DEFAULT 0,
  -- Free-form facts of the step (files written, cursor reached, model built…).
  detail          jsonb       NOT NULL DEFAULT '{}'::jsonb,
  error           jsonb,
  PRIMARY KEY (run_id, step, chunk)
);

CREATE INDEX run_steps_open ON platform.run_steps (status, dispatched_at) WHERE status IN ('dispatched', 'running');
