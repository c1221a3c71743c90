/**
 * Throwaway Postgres and MongoDB containers through testcontainers, used by the test runner
 * where a Docker engine exists. On machines without one, `detectDocker` says so quickly and
 * the runner falls back to the project's own local servers.
 */
import { existsSync } from 'node:fs';

import type { Logger } from '#platform/log.ts';

export type StartedContainers = {
  readonly databaseUrl: string;
  readonly mongodbUrl: string;
  readonly stop: () => Promise<void>;
};

/** True when a Docker engine answers; never throws. */
export async function detectDocker(dockerHost: string | undefined): Promise<boolean> {
  if (dockerHost === undefined && !existsSync('/var/run/docker.sock')) {
    return false;
  }
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await Promise.race([
      getContainerRuntimeClient(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 10_000)),
    ]);
    return client.info.containerRuntime.host !== undefined;
  } catch {
    return false;
  }
}

/** Starts `postgres:16-alpine` and `mongo:7` containers and returns their URLs. */
export async function startContainers(log: Logger): Promise<StartedContainers> {
  const { GenericContainer, Wait } = await import('testcontainers');
  log.info('containers.starting', { images: ['postgres:16-alpine', 'mongo:7'] });
  const [postgres, mongo] = await Promise.all([
    new GenericContainer('postgres:16-alpine')
      .withEnvironment({ POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'dataplatform' })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start(),
    new GenericContainer('mongo:7').withExposedPorts(27017).withWaitStrategy(Wait.forLogMessage(/Waiting for connections/)).start(),
  ]);
  return {
    databaseUrl: `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/dataplatform`,
    mongodbUrl: `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}/dataplatform`,
    stop: async () => {
      await Promise.all([postgres.stop(), mongo.stop()]);
    },
  };
}
