-- Where each dataset and model stands (its newest run, its last success, its active run) is read by `dp status`
-- and on most console pages. Ordered by (kind, source, dataset, created_at), the targets are found by skipping
-- from one to the next and each one's newest runs are the first entries under it, so the read costs a few index
-- probes per target instead of sorting every run ever kept.
CREATE INDEX runs_by_target_created ON platform.runs (kind, source, dataset, created_at DESC, run_id DESC);
