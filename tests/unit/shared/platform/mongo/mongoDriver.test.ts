/**
 * The mongodb driver and the Infisical SDK are loaded when first used, not when a function's module loads:
 * each is tens of MB of a function's memory, which functions that never reach the bronze store or Infisical
 * do not pay. Errors of the driver are still told apart once anything loaded it.
 */
import { execFileSync } from 'node:child_process';

import { MongoNetworkError, MongoServerError } from 'mongodb';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';
import { TransientError } from '#platform/errors.ts';
import { toErrorResponse } from '#platform/function/toErrorResponse.ts';
import { isMongoDriverError, translateMongoError } from '#platform/mongo/createMongoClient.ts';

/** The packages of `names` a fresh process has loaded after importing `module` (CommonJS packages land in require.cache however imported). */
function loadedAfterImport(module: string, names: readonly string[]): string[] {
  const script = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(module)});
    const require = createRequire(${JSON.stringify(`${projectRoot}/package.json`)});
    const loaded = ${JSON.stringify(names)}.filter((name) => Object.keys(require.cache).some((file) => file.includes('/node_modules/' + name + '/')));
    process.stdout.write(JSON.stringify(loaded));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: projectRoot, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
  return JSON.parse(output) as string[];
}

test('no function loads the mongodb driver or the Infisical SDK with its module', () => {
  for (const name of ['orchestrator', 'rest', 'bronze', 'silver', 'gold']) {
    assert.equal(loadedAfterImport(`./functions/${name}/handler.ts`, ['mongodb', '@infisical/sdk']), [], `functions/${name}`);
  }
});

test('the driver is there once a client is made: its errors are recognised and translated', () => {
  assert.equal(loadedAfterImport('./shared/platform/mongo/createMongoClient.ts', ['mongodb']), []);
  const duplicate = new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
  assert.ok(isMongoDriverError(duplicate));
  assert.is(translateMongoError(duplicate).code, 'mongo.duplicate_key');
  const unreachable = translateMongoError(new MongoNetworkError('connection refused'));
  assert.ok(unreachable instanceof TransientError);
  assert.is(unreachable.code, 'mongo.connection');
  assert.is(toErrorResponse(new MongoServerError({ message: 'boom', code: 2 })).body.error.code, 'mongo.error');
  assert.not.ok(isMongoDriverError(new Error('not from the driver')));
});

test.run();
