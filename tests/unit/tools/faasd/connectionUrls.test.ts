/**
 * Passwords in connection URLs: a generated password is URL-safe, and any password — `/+=@:` included, as
 * `openssl rand -base64` produces them — survives the trip through the URL into pg and the mongodb driver.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoClient } from 'mongodb';
import pg from 'pg';

import { ferretdbUrl, postgresUrl } from '#tools/faasd/connectionUrls.ts';
import { generatePassword } from '#tools/faasd/writeDeploymentSecrets.ts';

const HOSTILE = 'a/b+c=d@e:f/g==';

test('a raw password with / breaks the URL, as it did with openssl rand -base64 (the bug)', () => {
  assert.throws(() => new URL(`postgres://dataplatform:${HOSTILE}@postgres:5432/dataplatform`));
  assert.throws(() => new MongoClient(`mongodb://dataplatform:${HOSTILE}@ferretdb:27017/bronze?authMechanism=PLAIN`), /unescaped/i);
});

test('postgresUrl percent-encodes the user and password: pg and URL read them back unchanged', () => {
  const url = postgresUrl({ user: 'data:platform', password: HOSTILE, host: 'postgres', port: 5432, database: 'dataplatform' });
  const parsed = new URL(url);
  assert.equal([parsed.hostname, parsed.port, parsed.pathname], ['postgres', '5432', '/dataplatform']);
  assert.is(decodeURIComponent(parsed.password), HOSTILE);
  // What pg itself connects with.
  const { user, password, host, port, database } = (new pg.Client({ connectionString: url }) as unknown as { connectionParameters: Record<string, unknown> }).connectionParameters;
  assert.equal([user, password, host, port, database], ['data:platform', HOSTILE, 'postgres', 5432, 'dataplatform']);
});

test('ferretdbUrl percent-encodes the login: the mongodb driver accepts it and sends the password as written', () => {
  const client = new MongoClient(ferretdbUrl({ user: 'dataplatform', password: HOSTILE, host: 'ferretdb', port: 27017, database: 'bronze' }));
  assert.is(client.options.credentials?.password, HOSTILE);
  assert.is(client.options.credentials?.mechanism, 'PLAIN');
  assert.is(client.options.dbName, 'bronze');
});

test('generated passwords are 48 hex digits: nothing to escape in a URL, a shell or YAML', () => {
  const seen = new Set<string>();
  for (let index = 0; index < 200; index += 1) {
    const password = generatePassword();
    assert.match(password, /^[0-9a-f]{48}$/);
    assert.is(encodeURIComponent(password), password);
    seen.add(password);
  }
  assert.is(seen.size, 200);
});

test.run();
