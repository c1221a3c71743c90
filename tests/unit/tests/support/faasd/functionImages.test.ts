/** The faasd suite's image cache key: the same inputs give the same key; any change to what goes into an image changes it. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { imageKey } from '#support/faasd/functionImages.ts';

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dp-image-key-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

test('the key follows the context files, the image name and the kit files, and nothing else', () => {
  const files = { Dockerfile: 'FROM x', 'function/handler.ts': 'export {}', 'function/shared/a.ts': 'a' };
  const dirs = [context(files), context(files), context({ ...files, 'function/shared/a.ts': 'b' }), context({ ...files, 'function/shared/b.ts': '' })];
  const kitFile = path.join(dirs[0]!, 'fn_image.py');
  writeFileSync(kitFile, 'v1');
  try {
    const key = (dir: string, image = 'dataplatform/gold:faasd-suite', kit: readonly string[] = [kitFile]): string => imageKey({ name: 'gold', context: dir, image }, kit);
    const first = key(dirs[1]!);
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.is(key(dirs[1]!), first, 'stable');
    assert.is.not(key(dirs[2]!), first, 'a changed file');
    assert.is.not(key(dirs[3]!), first, 'an added file');
    assert.is.not(key(dirs[1]!, 'dataplatform/gold:other'), first, 'another image name');
    assert.is.not(key(dirs[1]!, undefined, [kitFile, path.join(dirs[0]!, 'missing')]), first, 'another kit file');
    writeFileSync(kitFile, 'v2');
    assert.is.not(key(dirs[1]!), first, 'a changed kit file');
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
