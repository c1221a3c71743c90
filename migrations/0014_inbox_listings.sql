-- The files connector's list of a run's inbox, recorded by the run's first extract attempt before it writes a raw
-- part. Every later attempt of the run works on these files in this order, wherever they are by then (still in the
-- inbox, or moved to the run's archive folder by the attempt that failed), so a retry writes the same parts under
-- the same numbers; a file dropped in the meantime waits for the next run.
CREATE TABLE platform.inbox_listings (
  run_id     text        PRIMARY KEY REFERENCES platform.runs (run_id) ON DELETE CASCADE,
  source     text        NOT NULL,
  dataset    text        NOT NULL,
  -- the inbox keys, in import order
  files      text[]      NOT NULL,
  listed_at  timestamptz NOT NULL DEFAULT now()
);
