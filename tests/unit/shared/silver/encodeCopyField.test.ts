import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createSeenKeyFilter } from '#silver/createSeenKeyFilter.ts';
import { encodeCopyField } from '#silver/encodeCopyField.ts';
import { hash128 } from '#pipeline/records/hash128.ts';

test('COPY text escapes backslash, tab, newline and carriage return; NULL is \\N', () => {
  assert.is(encodeCopyField(null), '\\N');
  assert.is(encodeCopyField('plain'), 'plain');
  assert.is(encodeCopyField('a\tb\nc\rd\\e'), 'a\\tb\\nc\\rd\\\\e');
  assert.is(encodeCopyField('\\N'), '\\\\N');
});

test('the seen-key filter never misses a repeat and rarely flags a new key', () => {
  const filter = createSeenKeyFilter(2 ** 20);
  const keys = Array.from({ length: 20_000 }, (_, index) => hash128(`key ${index}`));
  const flaggedNew = keys.filter((key) => filter.seen(key)).length;
  assert.ok(flaggedNew < 20, `${flaggedNew} new keys flagged`);
  assert.ok(keys.every((key) => filter.seen(key)));
});

test.run();
