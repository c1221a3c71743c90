-- Step outcomes are typed: what the orchestrator acts on has its own columns instead of riding in the free-form
-- `detail` (which stays for people: files written, table, timings).
ALTER TABLE platform.run_steps
  -- With a `continue` outcome: the next chunk is not sent before this time (an API asked to wait: Retry-After).
  ADD COLUMN resume_at timestamptz,
  -- With a `done` outcome: the step found nothing new (HTTP 304, an empty inbox) and the run ended after it.
  ADD COLUMN unchanged boolean NOT NULL DEFAULT false;

-- Rows written before this migration said so in `detail`.
UPDATE platform.run_steps SET unchanged = true WHERE detail->>'unchanged' = 'true';
UPDATE platform.run_steps SET resume_at = to_timestamp((detail->>'resumeAt')::double precision / 1000)
  WHERE jsonb_typeof(detail->'resumeAt') = 'number';
