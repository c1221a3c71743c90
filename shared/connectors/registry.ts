import { NotFoundError } from '#platform/errors.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { Connector } from './connector.ts';
import { FilesConnector } from './files/filesConnector.ts';
import { RestApiConnector } from './rest/restApiConnector.ts';
import { YnabConnector } from './ynab/ynabConnector.ts';

/** A connector of any kind, as the registry hands it out. */
export type AnyConnector = Connector<unknown, unknown, unknown>;

/** Connector kinds (metadata `connector:`) and their implementations. Connectors are stateless: one instance serves every extraction. */
export const connectors: Readonly<Record<string, AnyConnector>> = Object.freeze({
  rest: new RestApiConnector() as unknown as AnyConnector,
  ynab: new YnabConnector() as unknown as AnyConnector,
  files: new FilesConnector() as unknown as AnyConnector,
});

/** The connector of a kind; a NotFoundError listing the kinds there are. */
export function getConnector(kind: string): AnyConnector {
  const connector = Object.hasOwn(connectors, kind) ? connectors[kind] : undefined;
  if (connector === undefined) {
    throw new NotFoundError('connector.unknown_kind', `There is no connector of kind \`${kind}\`; use one of ${Object.keys(connectors).join(', ')} (or add one: docs/connectors.md, "Build a new connector").`, { context: { kind } });
  }
  return connector;
}

/** Checks a dataset's connector settings (source config and dataset extract) without extracting; a ConfigError naming every bad key. */
export function validateConnectorSettings(ref: DatasetRef): void {
  getConnector(ref.source.connector).parseSettings(ref);
}
