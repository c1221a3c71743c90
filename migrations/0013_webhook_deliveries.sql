-- Webhook deliveries the orchestrator took, so a replayed delivery (the same delivery id, or the same signed
-- body) starts nothing while it is remembered. Rows older than the replay window are deleted as new ones come.
CREATE TABLE platform.webhook_deliveries (
  source       text        NOT NULL,
  -- `id:<delivery id header>` or `sig:<the body's signature>`: a delivery is recorded under both when it has an id.
  delivery_key text        NOT NULL,
  run_ids      text[]      NOT NULL DEFAULT '{}',
  received_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (source, delivery_key)
);

CREATE INDEX webhook_deliveries_by_age ON platform.webhook_deliveries (received_at);
