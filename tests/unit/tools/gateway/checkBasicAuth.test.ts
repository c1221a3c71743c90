import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { checkBasicAuth } from '#platform/http/checkBasicAuth.ts';
import { resolveGatewayCredentials } from '#tools/gateway/resolveGatewayCredentials.ts';
import { redact } from '#platform/redact.ts';

const header = (credentials: string): string => `Basic ${Buffer.from(credentials).toString('base64')}`;

test('only the exact user and password pass', () => {
  assert.ok(checkBasicAuth(header('admin:pa:ss'), 'admin', 'pa:ss'), 'a password may contain ":"');
  assert.not.ok(checkBasicAuth(header('admin:wrong'), 'admin', 'pa:ss'));
  assert.not.ok(checkBasicAuth(header('root:pa:ss'), 'admin', 'pa:ss'));
  assert.not.ok(checkBasicAuth(header('adminpass'), 'admin', 'pass'));
  assert.not.ok(checkBasicAuth('Bearer abc', 'admin', 'pass'));
  assert.not.ok(checkBasicAuth(undefined, 'admin', 'pass'));
});

test('without DP_GATEWAY_PASSWORD a password is generated once (mode 0600), reused, and redacted from output', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dp-gateway-'));
  try {
    const first = await resolveGatewayCredentials({ gatewayUser: 'admin', gatewayPassword: undefined, dataDir });
    const file = path.join(dataDir, 'secrets', 'basic-auth-password');
    assert.is(first.source, file);
    assert.ok(first.password.length >= 24);
    assert.is(readFileSync(file, 'utf8').trim(), first.password);
    assert.is(statSync(file).mode & 0o777, 0o600);
    const second = await resolveGatewayCredentials({ gatewayUser: 'admin', gatewayPassword: undefined, dataDir });
    assert.is(second.password, first.password);
    assert.is(redact(`password=${first.password}`), 'password=[redacted]');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('DP_GATEWAY_PASSWORD wins over the file', async () => {
  const credentials = await resolveGatewayCredentials({ gatewayUser: 'ops', gatewayPassword: 'configured-secret', dataDir: '/nonexistent' });
  assert.equal(credentials, { user: 'ops', password: 'configured-secret', source: 'DP_GATEWAY_PASSWORD' });
});

test.run();
