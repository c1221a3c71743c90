-- Invocation logs and the console's reads.
--
-- faasd keeps function output in journald, which the OpenFaaS UI does not show. Every function also keeps
-- the log lines of each step invocation here, with the run, step, chunk and attempt they belong to, so the
-- console and `dp logs` show them wherever the platform runs. Bounded twice: at most
-- DP_LOG_LINES_PER_INVOCATION lines per invocation (the last one says how many were dropped), and the
-- orchestrator's tick deletes lines older than DP_LOG_RETENTION_DAYS. A run's lines go with the run.
CREATE TABLE platform.invocation_logs (
  log_id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id         text        NOT NULL REFERENCES platform.runs (run_id) ON DELETE CASCADE,
  -- The step chunk and attempt the line belongs to; NULL on orchestrator lines about the whole run.
  step           text,
  chunk          integer     CHECK (chunk >= 0),
  attempt        integer     CHECK (attempt >= 1),
  -- The OpenFaaS function that wrote the line.
  function_name  text        NOT NULL,
  logged_at      timestamptz NOT NULL,
  level          text        NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  event          text        NOT NULL,
  -- The JSON line as the function wrote it (secret values already masked), cut at 4,000 characters.
  line           text        NOT NULL
);

CREATE INDEX invocation_logs_by_run ON platform.invocation_logs (run_id, log_id);
CREATE INDEX invocation_logs_by_time ON platform.invocation_logs (logged_at);

-- The console's timeline and `dp runs` read the newest runs of all datasets.
CREATE INDEX runs_by_created ON platform.runs (created_at DESC, run_id DESC);
