import type { DatabasePool } from '#platform/db/sql.ts';
import type { Logger } from '#platform/log.ts';
import type { SecretStore } from '#platform/secrets/secretStore.ts';
import type { Dispatcher } from './dispatch/dispatcher.ts';
import type { OrchestratorConfig } from './orchestratorConfig.ts';

/** What every orchestrator operation works with: passed in, so tests hand in real services or small fakes. */
export type OrchestratorContext = {
  readonly pool: DatabasePool;
  readonly dispatcher: Dispatcher;
  /** Where the webhook secrets (metadata `webhook_secret`) are read. */
  readonly secrets: Pick<SecretStore, 'get'>;
  /** Current time in epoch milliseconds; every timestamp the orchestrator writes or compares comes from it. */
  readonly now: () => number;
  readonly config: OrchestratorConfig;
  readonly log: Logger;
};
