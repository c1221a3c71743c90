-- Rejects of the extract step (a CSV row with the wrong number of fields, a JSON line that does not
-- parse, a record without its key) go to platform.rejects beside silver's cast rejects, so every record
-- that was received and not used is listed in one place.
ALTER TABLE platform.rejects
  -- Which step rejected it: `extract` (the connector could not read the record) or `silver` (a value did not cast).
  ADD COLUMN layer       text    NOT NULL DEFAULT 'silver' CHECK (layer IN ('extract', 'silver')),
  -- The extract chunk that reported it: a chunk that runs again replaces its own rejects.
  ADD COLUMN chunk       integer,
  -- 1-based line in the file, when the record came from a file.
  ADD COLUMN line        integer,
  -- An extract reject concerns a whole record, not one column.
  ALTER COLUMN column_name DROP NOT NULL;

-- Silver reads a full snapshot's extract rejects by key: a rejected record's key is present, never deleted.
CREATE INDEX rejects_extract_keys ON platform.rejects (run_id, key_hash) WHERE layer = 'extract' AND key_hash IS NOT NULL;
