-- Orchestration state beyond runs and run_steps (0002): the dispatch outbox on each step row, the
-- data-aware events, and the slots of per-dataset schedules.

-- A run_steps row is the orchestrator's outbox: it is written `dispatched` (with its attempt) in the
-- transaction that decides the step, and sent to the gateway only after that transaction commits. The
-- reconcile tick sends what a crash left unsent. The step function owns `status` once it claims the row
-- (runStepOnce); the orchestrator records separately which attempt's outcome it has acted on.
ALTER TABLE platform.run_steps
  -- The OpenFaaS function the chunk goes to (`files`, `bronze`, …).
  ADD COLUMN function_name   text,
  -- When the current attempt was handed to the gateway; NULL while it still has to be sent.
  ADD COLUMN sent_at         timestamptz,
  -- The attempt whose outcome (callback, or the row read by the tick) the orchestrator has acted on.
  -- A row with handled_attempt = attempt needs nothing more; a callback for it is a duplicate.
  ADD COLUMN handled_attempt integer;

-- What the tick and the post-commit sender look for: rows still to send.
CREATE INDEX run_steps_unsent ON platform.run_steps (next_attempt_at) WHERE status = 'dispatched' AND sent_at IS NULL;

-- Data-aware triggers: a run that changed silver (or rebuilt a gold model) records an event, and the runs it
-- started are named in its payload. One event of each kind per run at most.
CREATE TABLE platform.events (
  event_id    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind        text        NOT NULL CHECK (kind IN ('silver_changed', 'gold_changed')),
  -- The dataset that changed, or 'gold' and the model name.
  source      text        NOT NULL,
  dataset     text        NOT NULL,
  run_id      text        NOT NULL REFERENCES platform.runs (run_id) ON DELETE CASCADE,
  -- Counts of the change and the runs it started: { counts, started: [run ids], skipped: [run ids] }.
  payload     jsonb       NOT NULL DEFAULT '{}'::jsonb,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX events_once_per_run ON platform.events (run_id, kind);
CREATE INDEX events_by_dataset ON platform.events (source, dataset, created_at DESC);

-- Per-dataset schedules (metadata `trigger.schedule`) run by the reconcile tick: the latest slot that has
-- been started. A tick that finds a newer slot due starts one run and moves the slot, so missed slots are
-- caught up once, not once per slot.
CREATE TABLE platform.schedule_slots (
  source        text        NOT NULL,
  dataset       text        NOT NULL,
  -- The schedule the slot was computed from; a changed schedule starts counting from the change.
  schedule      text        NOT NULL,
  last_slot_at  timestamptz NOT NULL,
  -- The run the last slot started (or its skip record); checked at commit, since the slot is claimed first.
  last_run_id   text        REFERENCES platform.runs (run_id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, dataset)
);
