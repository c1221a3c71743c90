import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { main } from '#tools/cli/main.ts';

function capture(): { io: { out: (text: string) => void; err: (text: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text) => out.push(text), err: (text) => err.push(text) }, out, err };
}

test('dp gateway is registered and documented in dp help', async () => {
  const { io, out } = capture();
  assert.is(await main(['help'], io), 0);
  assert.match(out.join('\n'), /gateway\s+serve stack\.yml locally/);
  const usage = capture();
  assert.is(await main(['help', 'gateway'], usage.io), 0);
  assert.match(usage.out.join('\n'), /--concurrency=1/);
});

test('bad flags stop before anything starts, naming the flag and an example', async () => {
  for (const [flag, pattern] of [['--port=http', /--port needs a whole number of at least 0/], ['--concurrency=0', /--concurrency needs a whole number of at least 1/]] as const) {
    const { io, err } = capture();
    assert.is(await main(['gateway', flag], io), 1, flag);
    assert.match(err.join('\n'), pattern);
  }
});

test.run();
