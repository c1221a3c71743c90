-- The metadata catalog: what `dp metadata sync` writes from the YAML files under metadata/, and what the
-- orchestrator and the layer steps read. Every sync whose content hash differs from the current version's
-- adds a version; the rows of sources, datasets and models carry the version that created, last changed and
-- retired them. Nothing is ever deleted: a dataset removed from the files is marked retired and its silver
-- table is kept; when it comes back it is un-retired.

CREATE TABLE platform.metadata_versions (
  version_id  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- sha256 over the normalised content: equal hashes mean nothing changed.
  hash        text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  synced_at   timestamptz NOT NULL DEFAULT now(),
  -- The whole metadata set as parsed: { sources, models, modelSql }. A run reads the version it recorded.
  content     jsonb       NOT NULL,
  -- Names added, changed, retired and restored compared with the previous version, per kind.
  changes     jsonb       NOT NULL DEFAULT '{}'::jsonb
);

CREATE INDEX metadata_versions_by_hash ON platform.metadata_versions (hash);

CREATE TABLE platform.sources (
  source           text        PRIMARY KEY,
  connector        text        NOT NULL,
  -- The Source as parsed, its current datasets included.
  definition       jsonb       NOT NULL,
  -- Hash of the source's own settings (datasets excluded), to tell a changed source from an unchanged one.
  hash             text        NOT NULL,
  created_version  bigint      NOT NULL REFERENCES platform.metadata_versions (version_id),
  changed_version  bigint      NOT NULL REFERENCES platform.metadata_versions (version_id),
  retired_at       timestamptz,
  retired_version  bigint      REFERENCES platform.metadata_versions (version_id),
  CHECK ((retired_at IS NULL) = (retired_version IS NULL))
);

CREATE TABLE platform.datasets (
  source           text        NOT NULL REFERENCES platform.sources (source),
  dataset          text        NOT NULL,
  load             text        NOT NULL CHECK (load IN ('full', 'delta')),
  key_columns      text[]      NOT NULL CHECK (cardinality(key_columns) > 0),
  deleted_flag     text,
  -- The Dataset as parsed (columns, extract, retention, trigger).
  definition       jsonb       NOT NULL,
  hash             text        NOT NULL,
  created_version  bigint      NOT NULL REFERENCES platform.metadata_versions (version_id),
  -- The version the current definition comes from.
  changed_version  bigint      NOT NULL REFERENCES platform.metadata_versions (version_id),
  -- Set when the dataset disappeared from the metadata; its silver table and history stay.
  retired_at       timestamptz,
  retired_version  bigint      REFERENCES platform.metadata_versions (version_id),
  PRIMARY KEY (source, dataset),
  CHECK ((retired_at IS NULL) = (retired_version IS NULL))
);

CREATE INDEX datasets_active ON platform.datasets (source, dataset) WHERE retired_at IS NULL;

-- The columns of each dataset's current definition (a retired dataset keeps its last ones), for SQL tools
-- and status pages; the layers read `datasets.definition`.
CREATE TABLE platform.columns (
  source       text    NOT NULL,
  dataset      text    NOT NULL,
  column_name  text    NOT NULL,
  position     integer NOT NULL CHECK (position >= 0),
  type         text    NOT NULL,
  scd          text    NOT NULL CHECK (scd IN ('1', '2', 'none')),
  is_key       boolean NOT NULL,
  -- Dotted path of the value in a received record, when it differs from the column name.
  source_path  text,
  description  text,
  PRIMARY KEY (source, dataset, column_name),
  FOREIGN KEY (source, dataset) REFERENCES platform.datasets (source, dataset) ON DELETE CASCADE
);

CREATE TABLE platform.gold_models (
  model            text        PRIMARY KEY,
  sql_file         text        NOT NULL,
  sql_text         text        NOT NULL,
  -- The GoldModel as parsed.
  definition       jsonb       NOT NULL,
  hash             text        NOT NULL,
  created_version  bigint      NOT NULL REFERENCES platform.metadata_versions (version_id),
  changed_version  bigint      NOT NULL REFERENCES platform.metadata_versions (version_id),
  retired_at       timestamptz,
  retired_version  bigint      REFERENCES platform.metadata_versions (version_id),
  CHECK ((retired_at IS NULL) = (retired_version IS NULL))
);

-- What each model reads: a dataset (`bank.transactions`) or another model (`gold.monthly_spending`).
-- A change upstream rebuilds the model; `listDependentModels` walks these edges.
CREATE TABLE platform.model_dependencies (
  model             text    NOT NULL REFERENCES platform.gold_models (model) ON DELETE CASCADE,
  upstream          text    NOT NULL,
  position          integer NOT NULL CHECK (position >= 0),
  upstream_source   text,
  upstream_dataset  text,
  upstream_model    text,
  PRIMARY KEY (model, upstream),
  CHECK ((upstream_model IS NULL) = (upstream_source IS NOT NULL AND upstream_dataset IS NOT NULL))
);

CREATE INDEX model_dependencies_by_dataset ON platform.model_dependencies (upstream_source, upstream_dataset);
CREATE INDEX model_dependencies_by_model ON platform.model_dependencies (upstream_model);
