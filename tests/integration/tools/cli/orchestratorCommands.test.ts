/**
 * `dp run`, `dp runs` and `dp status` against a local HTTP server that answers the orchestrator's
 * routes (`/function/orchestrator/...`) with the documented reply shapes.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import type { CommandIo } from '#tools/cli/command.ts';
import { createRunCommand } from '#tools/cli/commands/run.ts';
import { main } from '#tools/cli/main.ts';
import { freePort } from '#support/freePort.ts';
import { startTestServer, type RecordedRequest, type Reply, type TestServer } from '#support/httpServer.ts';

type Context = { server: TestServer; routes: Map<string, (request: RecordedRequest) => Reply> };
const test = suite<Context>('dp run, runs, status over HTTP');

test.before(async (context) => {
  context.routes = new Map();
  context.server = await startTestServer((request) => {
    const handler = context.routes.get(`${request.method} ${request.path}`);
    return handler === undefined ? { status: 404, body: { error: { code: 'route.not_found', message: `no ${request.path}`, retryable: false } } } : handler(request);
  });
});
test.after(async ({ server }) => server.close());
test.before.each(({ routes, server }) => {
  routes.clear();
  server.requests.length = 0;
});

function capture(): { io: CommandIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text) => out.push(text), err: (text) => err.push(text) }, out, err };
}

const run = (id: string, dataset: string, status: string, extra: Record<string, unknown> = {}) => ({
  run_id: id, kind: 'dataset', source: 'bank', dataset, load: 'full', trigger: 'manual', trigger_detail: {}, metadata_version: 1, status, skipped_for: null,
  created_at: '2026-05-04T06:15:00.000Z', started_at: '2026-05-04T06:15:00.100Z', finished_at: null, duration_ms: null, error: null, current_step: null, counts: {}, ...extra,
});
const counts = (values: Record<string, number> = {}) => ({ read: 0, inserted: 0, updated: 0, closed: 0, deleted: 0, rejected: 0, unchanged: 0, ...values });
const step = (name: string, status: string, extra: Record<string, unknown> = {}) => ({
  step: name, chunk: 0, status, attempt: 1, function: name, call_id: null, dispatched_at: '2026-05-04T06:15:00.000Z', sent_at: null, started_at: null, finished_at: null,
  duration_ms: null, next_attempt_at: null, has_checkpoint: false, counts: counts(), detail: {}, error: null, ...extra,
});
const opened = (id: string, dataset: string, skippedFor?: string) => ({ outcome: skippedFor === undefined ? 'started' : 'skipped', run_id: id, kind: 'dataset', source: 'bank', dataset, ...(skippedFor === undefined ? { load: 'full' } : { skipped_for: skippedFor }) });

test('dp run --wait follows each step as it changes, follows the active run of a skipped trigger, and exits 1 when a run failed', async ({ server, routes }) => {
  routes.set('POST /function/orchestrator/runs', () => ({ status: 202, body: { runs: [opened('r1', 'accounts')], skipped: [opened('r2', 'transactions', 'r0')] } }));
  let polls = 0;
  routes.set('GET /function/orchestrator/runs/r1', () => {
    polls += 1;
    if (polls === 1) return { body: { run: run('r1', 'accounts', 'running'), steps: [step('extract', 'running')] } };
    if (polls === 2) return { body: { run: run('r1', 'accounts', 'running'), steps: [step('extract', 'succeeded', { counts: counts({ read: 3 }), duration_ms: 120 }), step('bronze', 'dispatched')] } };
    return {
      body: {
        run: run('r1', 'accounts', 'succeeded', { finished_at: '2026-05-04T06:15:02.100Z', duration_ms: 2000 }),
        steps: [step('extract', 'succeeded', { counts: counts({ read: 3 }), duration_ms: 120 }), step('bronze', 'succeeded', { counts: counts({ read: 3, inserted: 3 }), duration_ms: 80 }), step('silver', 'succeeded', { counts: counts({ read: 3, inserted: 2, updated: 1 }), duration_ms: 300 })],
      },
    };
  });
  routes.set('GET /function/orchestrator/runs/r0', () => ({
    body: { run: run('r0', 'transactions', 'failed', { finished_at: '2026-05-04T06:15:01.000Z', error: { code: 'files.bad_file', message: 'transactions.csv is not valid utf-8 text' } }), steps: [step('extract', 'failed', { attempt: 3, error: { code: 'files.bad_file', message: 'transactions.csv is not valid utf-8 text' } })] },
  }));
  const { io, out } = capture();
  const code = await createRunCommand({ pollMs: 5 }).run(['bank', '--wait', `--gateway=${server.url}`], io);
  assert.is(code, 1, 'a failed run makes --wait exit 1');
  assert.equal(JSON.parse(server.requests[0]!.body), { source: 'bank', full: false });
  const text = out.join('\n');
  assert.match(text, /bank\.accounts: started run r1/);
  assert.match(text, /bank\.transactions: run r0 is still active; this trigger is recorded as skipped \(r2\), following the active run/);
  assert.match(text, /bank\.accounts\s+extract\s+running/);
  assert.match(text, /bank\.accounts\s+extract\s+succeeded\s+3 read\s+\(120 ms\)/);
  assert.match(text, /bank\.accounts\s+silver\s+succeeded\s+3 read, 2 inserted, 1 updated\s+\(300 ms\)/);
  assert.match(text, /bank\.accounts: succeeded in 2\.0 s/);
  assert.match(text, /bank\.transactions\s+extract \(attempt 3\)\s+failed\s+files\.bad_file/);
  assert.match(text, /bank\.transactions: FAILED after .* — transactions\.csv is not valid utf-8 text \[files\.bad_file\]/);
  assert.is(text.match(/extract\s+succeeded/g)?.length, 1, 'a step is reported once per change, not once per poll');
});

test('dp run <source>.<dataset> --full starts without waiting; --json prints the reply', async ({ server, routes }) => {
  routes.set('POST /function/orchestrator/runs', () => ({ status: 202, body: { runs: [opened('r9', 'accounts')], skipped: [] } }));
  const plain = capture();
  assert.is(await main(['run', 'bank.accounts', '--full', `--gateway=${server.url}`], plain.io), 0);
  assert.equal(JSON.parse(server.requests[0]!.body), { source: 'bank', dataset: 'accounts', full: true });
  assert.match(plain.out.join('\n'), /bank\.accounts: started run r9/);
  const json = capture();
  assert.is(await main(['run', 'bank', '--json', `--gateway=${server.url}`], json.io), 0);
  assert.is((JSON.parse(json.out.join('\n')) as { runs: { run_id: string }[] }).runs[0]?.run_id, 'r9');
  assert.is(await main(['run', 'bank.accounts', '--accept-deletes', `--gateway=${server.url}`], capture().io), 0);
  assert.equal(JSON.parse(server.requests.at(-1)!.body), { source: 'bank', dataset: 'accounts', full: false, accept_deletes: true }, '--accept-deletes confirms the run\'s deletions');
});

test('dp cancel <run> posts to /runs/<id>/cancel and prints what it stopped; a run that ended is exit 1 with the code', async ({ server, routes }) => {
  routes.set('POST /function/orchestrator/runs/r9/cancel', () => ({ status: 200, body: { outcome: 'cancelled', run_id: 'r9', source: 'bank', dataset: 'accounts' } }));
  const plain = capture();
  assert.is(await main(['cancel', 'r9', `--gateway=${server.url}`], plain.io), 0);
  assert.is(server.requests.at(-1)!.path, '/function/orchestrator/runs/r9/cancel');
  assert.match(plain.out.join('\n'), 'bank.accounts: run r9 cancelled');
  routes.set('POST /function/orchestrator/runs/r8/cancel', () => ({ status: 409, body: { error: { code: 'run.not_active', message: 'Run r8 is already succeeded; only an active run can be cancelled.', retryable: false } } }));
  const ended = capture();
  assert.is(await main(['cancel', 'r8', `--gateway=${server.url}`], ended.io), 1);
  assert.match(ended.err.join('\n'), /already succeeded.*\[run\.not_active\]/);
  assert.is(await main(['cancel', `--gateway=${server.url}`], capture().io), 2);
});

test('usage errors exit 2 with the usage; the orchestrator\'s own errors exit 1 with its message and code', async ({ server, routes }) => {
  for (const args of [['run'], ['run', 'Bank'], ['run', 'bank.x.y'], ['run', 'bank', '--fast'], ['runs', '--status=lost'], ['runs', '--limit=0'], ['status', 'extra']]) {
    const { io, err } = capture();
    assert.is(await main([...args, `--gateway=${server.url}`], io), 2, args.join(' '));
    assert.match(err.join('\n'), /usage|must be one of|needs a whole number/, args.join(' '));
  }
  routes.set('POST /function/orchestrator/runs', () => ({ status: 404, body: { error: { code: 'metadata.source_not_found', message: 'Source `bnak` is not in the metadata catalog; did you mean `bank`?', retryable: false } } }));
  const { io, err } = capture();
  assert.is(await main(['run', 'bnak', `--gateway=${server.url}`], io), 1);
  assert.match(err.join('\n'), /did you mean `bank`\? \[metadata\.source_not_found\]/);
});

test('nothing listening: the message says how to start the platform', async () => {
  const port = await freePort();
  const { io, err } = capture();
  assert.is(await main(['runs', `--gateway=http://127.0.0.1:${port}`], io), 1);
  assert.match(err.join('\n'), /Nothing answers at http:\/\/127\.0\.0\.1:\d+: start the platform with `dp up`.*\[cli\.gateway_unreachable\]/);
});

test('a reply of another shape is refused with a clear message, not printed half', async ({ server, routes }) => {
  routes.set('GET /function/orchestrator/status', () => ({ body: { datasets: 'all fine' } }));
  const { io, err } = capture();
  assert.is(await main(['status', `--gateway=${server.url}`], io), 1);
  assert.match(err.join('\n'), /answered something this dp does not understand \(datasets: .*\[cli\.unexpected_reply\]/);
});

test('dp runs: a table newest first with trigger, status, duration and the reason of a failure or skip; filters go in the query', async ({ server, routes }) => {
  routes.set('GET /function/orchestrator/runs', () => ({
    body: {
      runs: [
        run('r3', 'accounts', 'skipped', { trigger: 'schedule', skipped_for: 'r2', started_at: null }),
        run('r2', 'accounts', 'failed', { finished_at: '2026-05-04T06:15:04.100Z', duration_ms: 4000, error: { code: 'http.retries_exhausted', message: 'the API kept answering 503' } }),
        { ...run('g1', 'monthly_spending', 'succeeded', { trigger: 'event', finished_at: '2026-05-04T06:15:00.600Z', duration_ms: 500 }), kind: 'gold', source: 'gold' },
      ],
    },
  }));
  const { io, out } = capture();
  assert.is(await main(['runs', '--limit=3', '--status=failed', `--gateway=${server.url}`], io), 0);
  assert.is(server.requests[0]!.path, '/function/orchestrator/runs');
  assert.is(server.requests[0]!.query.get('limit'), '3');
  assert.is(server.requests[0]!.query.get('status'), 'failed');
  const [header, ...rows] = out;
  assert.match(header!, /^RUN\s+DATASET\s+TRIGGER\s+STATUS\s+CREATED\s+DURATION\s+NOTE$/);
  assert.match(rows[0]!, /^r3\s+bank\.accounts\s+schedule\s+skipped\s+.*active run r2$/);
  assert.match(rows[1]!, /^r2\s+bank\.accounts\s+manual\s+failed\s+2026-05-04T06:15:00Z\s+4\.0 s\s+http\.retries_exhausted: the API kept answering 503$/);
  assert.match(rows[2]!, /^g1\s+gold\.monthly_spending\s+event\s+succeeded\s+.*500 ms/);
  const json = capture();
  assert.is(await main(['runs', '--json', `--gateway=${server.url}`], json.io), 0);
  assert.is((JSON.parse(json.out.join('\n')) as { runs: unknown[] }).runs.length, 3);
});

test('dp status: datasets with last run, freshness and rows; models with their rows', async ({ server, routes }) => {
  const recent = new Date(Date.now() - 90_000).toISOString();
  routes.set('GET /function/orchestrator/status', () => ({
    body: {
      datasets: [
        { source: 'bank', dataset: 'accounts', connector: 'files', load: 'full', schedule: null, last_run: { run_id: 'r1', status: 'succeeded', trigger: 'manual', created_at: recent, finished_at: recent, error: null }, last_success_at: recent, active_run_id: null, status: 'succeeded', freshness_seconds: 90, silver: { table: 'silver.bank__accounts', current_rows: 3, total_rows: 5 }, raw: { runs: 12, files: 36, bytes: 3_565_158, compressed_files: 20, compressed_bytes: 1_153_434 } },
        { source: 'bank', dataset: 'transactions', connector: 'files', load: 'full', schedule: null, last_run: null, last_success_at: null, active_run_id: 'r7', status: 'running', freshness_seconds: null, silver: null },
        { source: 'ynab', dataset: 'transactions', connector: 'ynab', load: 'delta', schedule: '@hourly', last_run: null, last_success_at: null, active_run_id: null, status: 'never_run', freshness_seconds: null, silver: null },
      ],
      models: [
        { model: 'monthly_spending', depends_on: ['bank.transactions'], last_run: { run_id: 'g1', status: 'succeeded', trigger: 'event', created_at: recent, finished_at: recent, error: null }, last_success_at: recent, active_run_id: null, status: 'succeeded', freshness_seconds: 90, gold: { table: 'gold.monthly_spending', rows: 14 } },
        { model: 'yearly_spending', depends_on: ['gold.monthly_spending'], last_run: null, last_success_at: null, active_run_id: null, status: 'never_run', freshness_seconds: null, gold: null },
      ],
    },
  }));
  const { io, out } = capture();
  assert.is(await main(['status', `--gateway=${server.url}`], io), 0);
  const text = out.join('\n');
  assert.match(text, /DATASET\s+LOAD\s+LAST RUN\s+FRESH AS OF\s+ROWS \(CURRENT \/ ALL VERSIONS\)\s+RAW FILES/);
  assert.match(text, /bank\.accounts\s+full\s+succeeded 1 min 30 s ago\s+1 min 30 s ago\s+3 \/ 5\s+12 runs, 3\.4 MB: 2\.3 MB plain, 1\.1 MB gzipped/);
  assert.match(text, /bank\.transactions\s+full\s+running now\s+-\s+-/);
  assert.match(text, /ynab\.transactions\s+delta\s+never run\s+-\s+-/);
  assert.match(text, /gold\.monthly_spending\s+succeeded 1 min 30 s ago\s+1 min 30 s ago\s+14/);
  assert.match(text, /gold\.yearly_spending\s+never run\s+-\s+-/);
  const json = capture();
  assert.is(await main(['status', '--json', `--gateway=${server.url}`], json.io), 0);
  assert.is((JSON.parse(json.out.join('\n')) as { datasets: unknown[] }).datasets.length, 3);
});

test.run();
