/**
 * Runs one uvu test file in this process and reports its counts as one JSON line on file descriptor 3
 * (`{"passed":n,"failed":n,"skipped":n,"total":n}`), so the test command never reads uvu's human output.
 *
 *   node --import tsx tests/runner/runUvuFile.ts path/to/file.test.ts     (with fd 3 open for writing)
 *
 * It uses the protocol uvu's own CLI (`uvu/run`) uses: with `UVU_DEFER` set, `suite.run()` only queues the
 * suite in `UVU_QUEUE`; each queued runner, awaited, prints the suite's progress and answers
 * `[errors | true, passed, skipped, total]`. A file that throws before or while queueing writes no counts,
 * and the test command counts it as failed.
 */
import { writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';

type QueuedSuite = () => Promise<[errors: string | true, passed: number, skipped: number, total: number]>;
type UvuGlobals = { UVU_DEFER?: number; UVU_INDEX?: number; UVU_QUEUE?: Array<Array<string | null | QueuedSuite>> };

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: runUvuFile.ts <file.test.ts>\n');
  process.exit(2);
}

const uvu = globalThis as typeof globalThis & UvuGlobals;
uvu.UVU_DEFER = 1;
uvu.UVU_INDEX = 0;
uvu.UVU_QUEUE = [[path.basename(file)]];
await import('uvu');
await import(pathToFileURL(path.resolve(file)).href);

const counts = { passed: 0, failed: 0, skipped: 0, total: 0 };
for (const queued of uvu.UVU_QUEUE[0]!.slice(1) as QueuedSuite[]) {
  try {
    const [errors, passed, skipped, total] = await queued();
    if (errors !== true) process.stdout.write(`\n${errors}\n`);
    // uvu swallows an error of a `before` hook: the suite then reports its tests as not passed, without a message.
    else if (passed < total) process.stdout.write(`\n${total - passed} test(s) did not run: a before hook of the suite failed\n`);
    counts.passed += passed;
    counts.skipped += skipped;
    counts.total += total;
    counts.failed += total - passed;
  } catch (error) {
    // An `after` hook threw: uvu lets that escape the suite.
    process.stdout.write(`\nan after hook failed: ${inspect(error)}\n`);
    counts.failed += 1;
  }
}
writeSync(3, `${JSON.stringify(counts)}\n`);
