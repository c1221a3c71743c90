import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { createCron } from '#platform/cron/createCron.ts';

test('times are UTC whatever the machine zone', () => {
  const machineZone = process.env.TZ;
  try {
    for (const zone of ['UTC', 'Europe/Oslo', 'America/New_York']) {
      process.env.TZ = zone;
      assert.is(createCron('0 6 * * *').nextRun(new Date('2026-03-29T05:00:00Z'))?.toISOString(), '2026-03-29T06:00:00.000Z', zone);
    }
  } finally {
    if (machineZone === undefined) delete process.env.TZ;
    else process.env.TZ = machineZone;
  }
});

test('with a callback the job runs until stopped; without, it only computes times', () => {
  const computing = createCron('* * * * *');
  assert.not.ok(computing.isRunning());
  const job = createCron('* * * * *', () => undefined);
  try {
    assert.ok(job.isRunning());
    const next = job.nextRun()!.getTime();
    assert.ok(next > Date.now() && next <= Date.now() + 60_000 && next % 60_000 === 0, 'the next whole minute');
  } finally {
    job.stop();
  }
  assert.not.ok(job.isRunning());
});

test.run();
