import pg from 'pg';

/**
 * Runs `routine` with a plain pg client on the `postgres` maintenance database of the server in `url`,
 * for what cannot run inside the target database (CREATE/DROP DATABASE); the client is always closed.
 */
export async function withAdminClient<T>(url: string, routine: (client: pg.Client) => Promise<T>): Promise<T> {
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    return await routine(client);
  } finally {
    await client.end();
  }
}
