import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { redactAndCut, registerSecretValue } from '#platform/redact.ts';

test('redactAndCut masks the whole text before it cuts, so no prefix of a secret survives at any offset', () => {
  const secret = 'pw_3Kd9Lq0ZxT7';
  registerSecretValue(secret);
  for (let offset = 0; offset < 40; offset += 1) {
    const text = `${'a'.repeat(offset)}${secret}${'b'.repeat(40)}`;
    const cut = redactAndCut(text, 20);
    assert.ok(cut.length <= 21, 'at most the limit plus the ellipsis');
    assert.not.ok(cut.includes(secret.slice(0, 3)), `offset ${offset}: ${cut}`);
  }
  assert.is(redactAndCut('short', 20), 'short', 'text within the limit is not marked as cut');
  assert.is(redactAndCut('x'.repeat(25), 20), `${'x'.repeat(20)}…`);
});

test.run();
