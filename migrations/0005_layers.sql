-- Layers: the rejects of silver merges, and the schema for merge staging tables.

-- One row per received value that did not cast to its column type (or a record without a usable
-- key). The record itself is not applied: silver keeps the key's last good version, and on a full
-- load a rejected key is still counted as present, so it is never deleted because of a bad value.
-- A merge that runs again for the same run replaces that run's rejects.
CREATE TABLE platform.rejects (
  reject_id    bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id       text        NOT NULL REFERENCES platform.runs (run_id) ON DELETE CASCADE,
  source       text        NOT NULL,
  dataset      text        NOT NULL,
  -- The key's canonical values (a JSON array in key order), null when the key itself is unusable.
  key          jsonb,
  key_hash     uuid,
  column_name  text        NOT NULL,
  -- The value as received, as JSON text (null when it was missing).
  value        text,
  reason       text        NOT NULL,
  -- Where the record came from: `<raw file key>#<index>` (the bronze document id).
  origin       text,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX rejects_by_run ON platform.rejects (run_id);
CREATE INDEX rejects_by_dataset ON platform.rejects (source, dataset, created_at DESC);

-- Transient unlogged tables a merge stages its batch in (COPY), dropped when the merge ends.
-- Nothing here is kept; tables left by a crashed merge are dropped by the next merge after a day.
CREATE SCHEMA IF NOT EXISTS staging;
