/**
 * Connector kinds can describe their own settings, so `dp metadata validate` checks `config`, every
 * dataset's `extract` and the secret roles with the same care as the rest of the file (unknown keys with
 * "did you mean", wrong types, missing settings), instead of failing later inside a run.
 */
import type { z } from 'zod';

import { connectors } from '#connectors/registry.ts';

export type ConnectorSettingsSchemas = {
  /** Validates the source's `config` (prefer `z.strictObject` so typos are reported). */
  readonly config?: z.ZodType;
  /** Validates each dataset's `extract`. */
  readonly extract?: z.ZodType;
  /** Secret roles the connector reads; another role under `secrets` is reported as unknown. */
  readonly secretRoles?: readonly string[];
};

/** Connector kind (the `connector:` value) → its settings schemas. */
export type ConnectorRegistry = Readonly<Record<string, ConnectorSettingsSchemas>>;

/**
 * The connectors this installation knows (`shared/connectors/registry.ts`); validation rejects an
 * unknown `connector:` kind and checks each kind's settings with the connector's own schemas.
 */
export const connectorSettings: ConnectorRegistry = Object.fromEntries(
  Object.entries(connectors).map(([kind, connector]) => [kind, { config: connector.configSchema, extract: connector.extractSchema, secretRoles: connector.secretRoles }]),
);
