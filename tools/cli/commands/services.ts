import { getEnv } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { ensureServices, stopServices } from '#tools/services/services.ts';
import type { Command } from '../command.ts';

export const servicesCommand: Command = {
  summary: 'start, stop or show the local Postgres and MongoDB-wire servers',
  usage: ['dp services up      find or start Postgres and FerretDB', 'dp services down    stop the servers the project started'],
  run: async (args, io) => {
    const env = getEnv();
    const log = createLogger({ format: 'text', fields: {}, sink: io.err });
    switch (args[0]) {
      case 'up': {
        const services = await ensureServices(env, log);
        io.out(`postgres ${services.postgres}: ${services.databaseUrl}\nmongodb  ${services.mongodb}: ${services.mongodbUrl}`);
        return 0;
      }
      case 'down': {
        const stopped = await stopServices(env);
        io.out(`postgres ${stopped.postgres ? 'stopped' : 'was not running'}\nmongodb  ${stopped.mongodb ? 'stopped' : 'was not running'}`);
        return 0;
      }
      default:
        io.err(servicesCommand.usage.join('\n'));
        return 2;
    }
  },
};
