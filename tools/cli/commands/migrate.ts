import { migrateDatabase } from '#platform/db/migrate.ts';
import { getEnv } from '#platform/env.ts';
import type { Command } from '../command.ts';

export const migrateCommand: Command = {
  summary: 'apply pending migrations to DATABASE_URL',
  usage: ['dp migrate'],
  run: async (_args, io) => {
    const result = await migrateDatabase({ url: getEnv().databaseUrl, onApplied: (name) => io.err(`applied ${name}`) });
    io.out(result.applied.length === 0 ? 'database is up to date' : `applied ${result.applied.length} migration(s)`);
    return 0;
  },
};
