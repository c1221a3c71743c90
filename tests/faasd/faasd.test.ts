/**
 * The faasd suite: the platform deployed to a real faasd 0.19.0 (the faasd kit: the real OpenFaaS gateway,
 * queue-worker, NATS Streaming, cron-connector and of-watchdog, in private namespaces) exactly as
 * docs/deployment.md tells a user to: `dp secrets`, `faas-cli secret create`, `dp migrate`, `dp metadata sync`,
 * `faas-cli build --shrinkwrap -f stack.yml` (each context turned into an image by the kit's fn-image.sh),
 * `faas-cli deploy -f stack.yml`, `dp inbox put`, and curl against the gateway. Postgres, FerretDB (on that
 * Postgres, PLAIN auth) and the S3 store run on the host at the kit's host address, under the names of
 * faasd/docker-compose.yaml.
 *
 * It prints the time of each stage and step and the memory (RSS) of each function container. It runs when
 * FAASD_KIT_BIN names the kit's programs and this is root (docs/testing.md); the test runner prints one line
 * saying why when it does not. The kit is always taken down again (down.sh), however the suite ends.
 */
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parse, stringify } from 'yaml';

import { processEnvironment, projectRoot } from '#platform/env.ts';
import { createOrchestratorClient, type OrchestratorClient } from '#tools/cli/createOrchestratorClient.ts';
import type { RunDetail } from '#tools/cli/orchestratorReplies.ts';
import { waitForRuns } from '#tools/cli/waitForRuns.ts';
import { waitForModelRuns } from '#tools/demo/waitForModelRuns.ts';
import { checkFaasdKit, startKit, type FaasdKitCheck, type RunningKit } from '#support/faasd/faasdKit.ts';
import { buildFunctionImages } from '#support/faasd/functionImages.ts';
import { functionMemory, journal } from '#support/faasd/kitLogs.ts';
import { startHangingApi, type HangingApi } from '#support/faasd/startHangingApi.ts';
import { addServiceHosts, SERVICE_PORTS, startHostFerretdb, startHostPostgres, startHostS3, type HostService } from '#support/faasd/hostServices.ts';

const checked = checkFaasdKit();
if (!checked.ready) {
  // The test runner says this itself and never starts the file; this is for a direct start.
  process.stdout.write(`faasd suite skipped: ${checked.reason}\n`);
  process.exit(0);
}
const check: Extract<FaasdKitCheck, { ready: true }> = checked;

const BUCKET = 'dataplatform-raw';
const TAG = 'faasd-suite';
const SAMPLES = path.join(projectRoot, 'metadata', 'samples', 'bank');
const stack = parse(readFileSync(path.join(projectRoot, 'stack.yml'), 'utf8')) as { functions: Record<string, unknown> };
const FUNCTIONS = Object.keys(stack.functions);

type Context = {
  work: string;
  kit: RunningKit;
  services: HostService[];
  client: OrchestratorClient;
  secrets: string;
  metadata: string;
  api: HangingApi;
  /** Run ids of the bank runs started with curl, for the log checks. */
  bankRuns: RunDetail[];
  /** The webhook's run, whose extract the watchdog cut. */
  webhookRunId: string;
};

const faasd = suite<Context>('platform on a real faasd');
const timings: Array<[string, string]> = [];
const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function timed<T>(label: string, work: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  const result = await work();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  timings.push([label, `${seconds} s`]);
  say(`faasd: ${label} took ${seconds} s`);
  return result;
}

function must(result: ReturnType<typeof spawnSync>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status ?? result.error?.message}):\n${String(result.stdout)}\n${String(result.stderr)}`);
  return String(result.stdout);
}

/** The project's CLI, as a user runs it (`npm run dp -- …`). */
function dp(args: readonly string[], env: NodeJS.ProcessEnv): string {
  // The test runner's own databases must not leak in: the deployment's come from the files of `dp secrets`.
  const { DATABASE_URL: _database, MONGODB_URL: _mongodb, ...inherited } = processEnvironment();
  return must(spawnSync(process.execPath, [path.join(projectRoot, 'tools', 'cli', 'dp.mjs'), ...args], { cwd: projectRoot, encoding: 'utf8', env: { ...inherited, ...env }, timeout: 300_000 }), `dp ${args.join(' ')}`);
}

/** curl as the deployment guide uses it; the status code and the body. */
function curl(args: readonly string[]): { status: number; body: string } {
  const out = must(spawnSync('curl', ['-sS', '-w', '\n%{http_code}', ...args], { encoding: 'utf8', timeout: 60_000 }), `curl ${args.join(' ')}`);
  const cut = out.lastIndexOf('\n');
  return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
}

/** The shipped metadata plus two sources of the suite: `hooked` (REST, webhooks, the hanging API) and `drop` (files, on the orchestrator's schedule). */
function writeMetadata(dir: string, apiUrl: string): void {
  cpSync(path.join(projectRoot, 'metadata'), dir, { recursive: true, filter: (source) => !source.includes(`${path.sep}samples`) });
  // The shipped sources that call APIs on the Internet stay (gold models read them) without their schedules: this
  // machine has no Internet, and ynab's `@hourly` and `@every 30m` fire in a run that crosses the hour, filling the
  // one-job queue-worker with failing calls for minutes and keeping the ynab function busy through the update deploy.
  for (const file of ['ynab.yml', 'github.yml']) {
    const source = parse(readFileSync(path.join(dir, file), 'utf8')) as { datasets: Array<Record<string, unknown>> };
    for (const dataset of source.datasets) delete dataset.trigger;
    writeFileSync(path.join(dir, file), stringify(source));
  }
  writeFileSync(path.join(dir, 'hooked.yml'), `source: hooked
description: An API on the host whose first answer never comes.
connector: rest
config:
  base_url: ${apiUrl}
webhook_secret: github-webhook-secret
datasets:
  - name: items
    load: full
    key: [id]
    columns:
      - { name: id, type: bigint }
      - { name: label, type: text }
    extract:
      path: /items
`);
  writeFileSync(path.join(dir, 'drop.yml'), `source: drop
description: Exports picked up on the orchestrator's schedule.
connector: files
datasets:
  - name: items
    load: delta
    key: [id]
    columns:
      - { name: id, type: text }
      - { name: label, type: text }
    trigger:
      schedule: '* * * * *'
`);
}

/** What `dp inbox put` needs to reach the bucket from this machine (the operator files of `dp secrets`). */
function inboxEnv(context: Context): NodeJS.ProcessEnv {
  return {
    DP_METADATA_DIR: context.metadata,
    DP_INBOX_URL: `s3://${BUCKET}/inbox`,
    DP_S3_ENDPOINT: `http://${context.kit.hostIp}:${SERVICE_PORTS.seaweedfs}`,
    DP_S3_ACCESS_KEY_ID_FILE: path.join(context.secrets, 'operator', 's3-access-key-id'),
    DP_S3_SECRET_ACCESS_KEY_FILE: path.join(context.secrets, 'operator', 's3-secret-access-key'),
  };
}

/** `faas-cli deploy -f stack.yml` (plus `extra`), then waits until every function's watchdog answers through the gateway. */
async function deploy(context: Context, extra: readonly string[] = []): Promise<void> {
  const run = (args: readonly string[]) => context.kit.faasCli(['deploy', '-f', 'stack.yml', ...args], { cwd: projectRoot, env: { DP_TAG: TAG } });
  const first = run(extra);
  // faasd 0.19.0 cuts a function's network before it stops the container: a request in flight (a scheduled ynab call
  // retrying an API it cannot reach) cannot finish, faasd gives up after 30 s and fails that function's update. The
  // deployment guide says to deploy that function again; so does the suite, and it says so.
  const stuck = [...`${first.stdout}${first.stderr}`.matchAll(/cannot delete running task (\S+?):/g)].map((match) => match[1]!);
  if (first.status !== 0 && stuck.length > 0) {
    say(`faasd: faas-cli deploy could not replace ${stuck.join(', ')} (cannot delete running task): deployed again with --filter`);
    for (const name of stuck) {
      await sleep(5000);
      must(run([...extra, '--filter', name]), `faas-cli deploy --filter ${name} (again)`);
    }
  } else {
    must(first, `faas-cli deploy ${extra.join(' ')}`);
  }
  await sleep(2000);
  for (const name of FUNCTIONS) {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const health = await fetch(`${context.kit.gatewayUrl}/function/${name}/_/health`).catch(() => undefined);
      if (health?.status === 200) break;
      if (Date.now() > deadline) throw new Error(`${name} did not become ready after faas-cli deploy (last status ${health?.status ?? 'unreachable'})`);
      await sleep(500);
    }
  }
}

/** Starts runs with curl, as the guide does, and follows them to the end. */
async function curlRuns(context: Context, body: Record<string, unknown>): Promise<RunDetail[]> {
  const started = curl(['-X', 'POST', `${context.kit.gatewayUrl}/function/orchestrator/runs`, '-H', 'content-type: application/json', '-d', JSON.stringify(body)]);
  assert.is(started.status, 202, started.body);
  const ids = (JSON.parse(started.body) as { runs: Array<{ run_id: string }> }).runs.map((run) => run.run_id);
  assert.ok(ids.length > 0, `runs started: ${started.body}`);
  return waitForRuns({ client: context.client, runIds: ids, timeoutMs: 240_000, pollMs: 1000 });
}

function stepLine(detail: RunDetail): string {
  return `${detail.run.source}.${detail.run.dataset} ${detail.run.status}: ${detail.steps.map((step) => `${step.step} ${step.duration_ms ?? '?'} ms${(step.attempt ?? 1) > 1 ? ` (attempt ${step.attempt})` : ''}`).join(', ')}`;
}

/** The orchestrator's JSON log lines, as `faas-cli logs orchestrator` shows them. */
function orchestratorEvents(context: Context): Array<Record<string, unknown>> {
  const logs = must(context.kit.faasCli(['logs', 'orchestrator', '--tail=false', '--since=30m']), 'faas-cli logs orchestrator');
  return jsonLines(logs.split('\n'));
}

/** The JSON event lines among a function's output lines (of-watchdog's own lines are plain text). */
function jsonLines(lines: readonly string[]): Array<Record<string, unknown>> {
  return lines.map((line) => line.slice(line.indexOf('{'))).filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

faasd.before(async (context) => {
  try {
    await setUp(context);
  } catch (error) {
    // uvu reports a failing hook without its error: say it here.
    say(`faasd: setting up failed: ${error instanceof Error ? error.stack : String(error)}`);
    throw error;
  }
});

/** The deployment guide, step by step, on the kit. */
async function setUp(context: Context): Promise<void> {
  context.bankRuns = [];
  context.services = [];
  context.work = mkdtempSync(path.join(os.tmpdir(), 'dp-faasd-'));
  chmodSync(context.work, 0o711);
  context.kit = await timed('up.sh (faasd, gateway, queue-worker, NATS, cron-connector)', () => startKit(check, say));
  const { kit } = context;
  context.client = createOrchestratorClient({ gatewayUrl: kit.gatewayUrl });
  context.api = await startHangingApi(kit.hostIp);
  context.metadata = path.join(context.work, 'metadata');
  writeMetadata(context.metadata, context.api.url);

  // The deployment guide, step by step. Secrets first: generated once, URLs percent-encoded.
  context.secrets = path.join(context.work, 'secrets');
  dp(['secrets', `--server=${kit.hostIp}`, `--dir=${context.secrets}`], { DP_METADATA_DIR: context.metadata });
  const password = readFileSync(path.join(context.secrets, 'server', 'postgres-password'), 'utf8');
  await timed('host services (Postgres, FerretDB on Postgres, S3)', async () => {
    context.services.push(await startHostPostgres({ dir: path.join(context.work, 'postgres'), address: kit.hostIp, password }));
    context.services.push(await startHostFerretdb(kit.hostIp));
    const operatorFile = (name: string): string => readFileSync(path.join(context.secrets, 'operator', name), 'utf8');
    context.services.push(await startHostS3(kit.hostIp, BUCKET, { accessKeyId: operatorFile('s3-access-key-id'), secretAccessKey: operatorFile('s3-secret-access-key') }));
  });
  addServiceHosts(kit.inNamespaces, kit.hostIp);

  const operator = { DATABASE_URL_FILE: path.join(context.secrets, 'operator', 'database-url'), DP_METADATA_DIR: context.metadata };
  await timed('dp migrate + dp metadata sync (from the host, over the network)', () => {
    dp(['migrate'], operator);
    dp(['metadata', 'sync', context.metadata], operator);
  });
  for (const file of readdirSync(path.join(context.secrets, 'functions'))) {
    must(kit.faasCli(['secret', 'create', file, '--from-file', path.join(context.secrets, 'functions', file)]), `faas-cli secret create ${file}`);
  }
  for (const unused of ['github-token', 'ynab-token']) {
    must(kit.faasCli(['secret', 'create', unused, '--from-literal', 'not-used-by-the-faasd-suite']), `faas-cli secret create ${unused}`);
  }
  // The console's password is the gateway's own, typed (here: piped) into faas-cli as the guide says.
  must(kit.faasCli(['secret', 'create', 'console-password'], { input: kit.password }), 'faas-cli secret create console-password');

  const built = await timed(`faas-cli build --shrinkwrap + fn-image.sh for ${FUNCTIONS.length} functions`, async () => {
    must(kit.faasCli(['build', '--shrinkwrap', '-f', 'stack.yml'], { cwd: projectRoot, env: { DP_TAG: TAG } }), 'faas-cli build --shrinkwrap');
    const images = parse(readFileSync(path.join(projectRoot, 'stack.yml'), 'utf8').replace(/\$\{DP_REGISTRY:-([^}]+)\}/g, '$1').replace(/\$\{DP_TAG:-[^}]+\}/g, TAG)) as { functions: Record<string, { image: string }> };
    return buildFunctionImages({ kit, check, parallel: 2, images: FUNCTIONS.map((name) => ({ name, context: path.join(projectRoot, 'build', name), image: images.functions[name]!.image })) });
  });
  const fresh = built.filter((outcome) => !outcome.cached);
  timings.push([`  ${fresh.length} built, ${built.length - fresh.length} unchanged (imported from the cache)`, built.map((outcome) => `${outcome.name} ${outcome.seconds.toFixed(0)} s`).join(', ')]);
  await timed('faas-cli deploy -f stack.yml (first deploy)', () => deploy(context));
  // An update deploy: the rest function's watchdog gets a 5 s exec_timeout (the hanging API outlasts it), and
  // the orchestrator retries a failed step after 1 s instead of 30 s.
  await timed('faas-cli deploy --filter rest/orchestrator (update)', async () => {
    await deploy(context, ['--filter', 'rest', '--env', 'exec_timeout=5s']);
    await deploy(context, ['--filter', 'orchestrator', '--env', 'DP_RETRY_BASE_MS=1000']);
  });
  // For the scheduled run: an export waiting in the bucket before the orchestrator's schedule comes round.
  writeFileSync(path.join(context.work, 'items-1.csv'), 'id,label\na,first\nb,second\n');
  dp(['inbox', 'put', 'drop.items', path.join(context.work, 'items-1.csv')], inboxEnv(context));
}

faasd.after(async (context) => {
  try {
    if (context.kit !== undefined) {
      say('faasd: memory of each function container (watchdog + Node, RSS):');
      const memory = functionMemory(context.kit);
      for (const [name, mib] of memory) say(`  ${name.padEnd(14)} ${mib} MiB`);
      if (memory.length === 0) say(`  no running task found; ctr tasks ls said:\n${context.kit.inNamespaces(['ctr', '-n', 'openfaas-fn', 'tasks', 'ls'])}`);
    }
  } catch (error) {
    say(`faasd: could not read the containers' memory: ${(error as Error).message}`);
  }
  say('faasd: timings');
  for (const [label, value] of timings) say(`  ${label.padEnd(72)} ${value}`);
  context.api?.close();
  context.kit?.down();
  for (const service of context.services.reverse()) service.stop();
  rmSync(context.work, { recursive: true, force: true });
  rmSync(path.join(projectRoot, 'build'), { recursive: true, force: true });
});

faasd('the bank demo through the real gateway: curl starts it, extract → bronze → silver → gold, each step called back by the real queue-worker', async (context) => {
  say(dp(['inbox', 'put', 'bank', path.join(SAMPLES, 'snapshot-1', 'accounts.csv'), path.join(SAMPLES, 'snapshot-1', 'transactions.csv')], inboxEnv(context)).trim());
  const since = new Date().toISOString();
  const runs = await timed('bank snapshot-1: POST /function/orchestrator/runs → every layer', async () => {
    const datasets = await curlRuns(context, { source: 'bank' });
    const models = await waitForModelRuns({ client: context.client, since, expected: ['monthly_spending'], pollMs: 1000, timeoutMs: 240_000 });
    return [...datasets, ...models];
  });
  for (const detail of runs) {
    say(`faasd:   ${stepLine(detail)}`);
    if (detail.run.status === 'skipped') continue;
    timings.push([`  ${detail.run.source}.${detail.run.dataset}`, detail.steps.map((step) => `${step.step} ${step.duration_ms ?? '?'} ms`).join(', ')]);
    // A model whose rebuild is already running skips the second event (accounts and transactions both changed).
    assert.is(detail.run.status, 'succeeded', JSON.stringify(detail));
  }
  const transactions = runs.find((detail) => detail.run.dataset === 'transactions')!;
  assert.equal(transactions.steps.map((step) => step.step), ['extract', 'bronze', 'silver']);
  assert.ok((transactions.steps.find((step) => step.step === 'silver')?.counts?.inserted ?? 0) > 0, 'silver inserted the transactions');
  assert.ok(runs.some((detail) => detail.run.source === 'gold' && detail.steps.some((step) => step.step === 'gold' && step.status === 'succeeded')), 'the silver change rebuilt the gold models');
  context.bankRuns = runs.filter((detail) => detail.run.status !== 'skipped');
});

/**
 * Waits until the UTC clock is between seconds `from` and `to` of a minute. The orchestrator's tick comes from the
 * cron-connector at second 0; a step started in that window is cut by the watchdog (5 s) and due for its retry
 * (1 s later) before the tick, while its own invocation — which of-watchdog leaves running — still waits for
 * the API (30 s request timeout) after it: so the tick, not the first invocation, finishes the step.
 */
async function waitForSecondOfMinute(from: number, to: number): Promise<void> {
  const second = (Date.now() % 60_000) / 1000;
  const wait = second < from ? from - second : second > to ? 60 - second + from : 0;
  await sleep(wait * 1000);
}

faasd('a webhook with a bad signature is refused; a signed one starts a run, whose extract — cut by the watchdog at exec_timeout — is retried and succeeds', async (context) => {
  const url = `${context.kit.gatewayUrl}/function/orchestrator/webhooks/hooked`;
  const body = JSON.stringify({ action: 'created' });
  const refused = curl(['-X', 'POST', url, '-H', 'content-type: application/json', '-H', 'X-Hub-Signature-256: sha256=0000', '-d', body]);
  assert.is(refused.status, 401, refused.body);
  assert.match(refused.body, 'webhook');
  const key = readFileSync(path.join(context.secrets, 'functions', 'github-webhook-secret'), 'utf8');
  const signature = `sha256=${createHmac('sha256', key).update(body).digest('hex')}`;
  await waitForSecondOfMinute(36, 46);
  const accepted = curl(['-X', 'POST', url, '-H', 'content-type: application/json', '-H', `X-Hub-Signature-256: ${signature}`, '-d', body]);
  assert.is(accepted.status, 202, accepted.body);
  const runIds = (JSON.parse(accepted.body) as { runs: Array<{ run_id: string }> }).runs.map((run) => run.run_id);
  const [run] = await timed('webhook → extract cut at 5 s → retried on the next tick → silver', () => waitForRuns({ client: context.client, runIds, timeoutMs: 240_000, pollMs: 1000 }));
  say(`faasd:   ${stepLine(run!)}`);
  context.webhookRunId = run!.run.run_id;
  assert.is(run!.run.status, 'succeeded', JSON.stringify(run));
  assert.is(run!.run.trigger, 'webhook');
  const extract = run!.steps.find((step) => step.step === 'extract' && step.chunk === 0)!;
  assert.ok((extract.attempt ?? 1) >= 2, `the extract was attempted again (attempt ${extract.attempt})`);
  assert.ok(context.api.requests() >= 2, 'the API saw the hung request and the retry');
  const restLogs = must(context.kit.faasCli(['logs', 'rest', '--tail=false', '--since=30m']), 'faas-cli logs rest');
  assert.match(restLogs, 'Upstream HTTP killed due to exec_timeout: 5s', 'of-watchdog cut the first attempt');
  // From the orchestrator's journal (journalctl -t openfaas-fn:orchestrator on a real faasd).
  const events = jsonLines(journal(context.kit, 'openfaas-fn:orchestrator')).filter((line) => line.run_id === run!.run.run_id && line.step === 'extract');
  assert.ok(events.some((line) => line.event === 'step.retry_scheduled' && line.code === 'step.timeout' && line.attempt === 1), 'the callback of the cut attempt (504) scheduled a retry');
  assert.ok(events.some((line) => line.event === 'tick.retried' && line.next_attempt === 2), 'the tick sent the second attempt');
});

faasd('the cut first invocation, which of-watchdog left running, finishes late and leaves the retried attempt\'s record alone', async (context) => {
  assert.ok(context.webhookRunId, 'the webhook test ran');
  // It gives up on the hung request after 30 s (the API's request timeout) and asks again: about 7 s after the retry.
  const superseded = await timed('the cut invocation ends on its own (step.superseded)', async () => {
    const deadline = Date.now() + 90_000;
    for (;;) {
      const lines = journal(context.kit, 'openfaas-fn:rest').filter((line) => line.includes('"event":"step.superseded"') && line.includes(context.webhookRunId));
      if (lines.length > 0 || Date.now() > deadline) return lines;
      await sleep(1000);
    }
  });
  assert.is(superseded.length, 1, `rest logged step.superseded for ${context.webhookRunId}: ${superseded.join('\n')}`);
  assert.match(superseded[0]!, '"attempt":1');
  const run = (await waitForRuns({ client: context.client, runIds: [context.webhookRunId] }))[0]!;
  assert.is(run.run.status, 'succeeded');
  assert.is(run.steps.find((step) => step.step === 'extract' && step.chunk === 0)?.attempt, 2, 'the record of attempt 2 stands');
});

faasd('the cron-connector calls the orchestrator on its stack.yml schedule, and that tick starts the dataset scheduled in metadata', async (context) => {
  const readOf = (detail: RunDetail): number => detail.steps.filter((step) => step.step === 'extract').reduce((sum, step) => sum + (step.counts?.read ?? 0), 0);
  // Every tick starts the dataset: the first one after `dp inbox put` imports the export, later ones find the inbox empty.
  const runs = await timed('scheduled run of drop.items (up to two schedule ticks)', async () => {
    const deadline = Date.now() + 200_000;
    for (;;) {
      const scheduled = (await context.client.listRuns({ source: 'drop', dataset: 'items', limit: 20 })).filter((summary) => summary.trigger === 'schedule' && summary.status === 'succeeded');
      const details = scheduled.length === 0 ? [] : await waitForRuns({ client: context.client, runIds: scheduled.map((summary) => summary.run_id) });
      if (details.some((detail) => readOf(detail) > 0)) return details;
      if (Date.now() > deadline) throw new Error(`no scheduled run of drop.items imported the export; runs: ${JSON.stringify(scheduled)}`);
      await sleep(2000);
    }
  });
  for (const detail of runs) say(`faasd:   ${stepLine(detail)} (${readOf(detail)} read)`);
  assert.is(runs.reduce((sum, detail) => sum + readOf(detail), 0), 2, 'the export put in the bucket was imported, once');
  // What the cron-connector printed (journald on a real faasd: journalctl -t openfaas:cron-connector).
  const cronLines = journal(context.kit, 'openfaas:cron-connector');
  const firstOf = (pattern: RegExp): string => cronLines.find((line) => pattern.test(line)) ?? '(none)';
  say(`faasd:   cron-connector: ${[/Added: orchestrator/, /Invoking: orchestrator/, /Response: orchestrator/].map(firstOf).join(' | ')}`);
  assert.ok(cronLines.some((line) => /Added: orchestrator\.openfaas-fn \[\* \* \* \* \*\]/.test(line)), 'the cron-connector read the orchestrator\'s schedule from its annotations');
  assert.ok(cronLines.some((line) => /Response: orchestrator \[200\]/.test(line)), 'and the tick answered 200');
});

faasd('faas-cli logs orchestrator shows the runs, and a callback for every step, from the queue-worker', (context) => {
  const lines = orchestratorEvents(context);
  // What the queue-worker printed (journald on a real faasd: journalctl -t openfaas:queue-worker).
  const posted = journal(context.kit, 'openfaas:queue-worker').filter((line) => line.includes('Posted result for'));
  assert.ok(context.bankRuns.length > 0, 'the bank runs ran');
  for (const detail of context.bankRuns) {
    // Runs started by the request log run.started; the gold runs its silver changes start log under their own events.
    const event = detail.run.source === 'gold' ? undefined : 'run.started';
    assert.ok(lines.some((line) => line.run_id === detail.run.run_id && (event === undefined || line.event === event)), `faas-cli logs orchestrator shows ${event ?? 'a line of'} ${detail.run.run_id}`);
    for (const step of detail.steps) {
      const callId = (step as { call_id?: string }).call_id;
      assert.ok(callId, `${detail.run.run_id} ${step.step} has the gateway's call id`);
      assert.ok(lines.some((line) => line.event === 'function.request' && line.path === '/callback' && line.call_id === callId && line.status === 200), `the queue-worker called back for ${detail.run.run_id} ${step.step} (${callId})`);
      // The callback URL the orchestrator gave is faasd's gateway by its plain name, and the queue-worker reached it.
      const callback = `to callback-url: http://gateway:8080/function/orchestrator/callback?run=${detail.run.run_id}&step=${step.step}&chunk=${step.chunk}&attempt=${step.attempt}, status: 200`;
      assert.ok(posted.some((line) => line.includes(callback)), `the queue-worker logged: … ${callback}`);
    }
  }
});

faasd('after a plain redeploy (an update of every function) the next snapshot runs through every layer', async (context) => {
  await timed('faas-cli deploy -f stack.yml (update)', () => deploy(context));
  dp(['inbox', 'put', 'bank', path.join(SAMPLES, 'snapshot-2', 'accounts.csv'), path.join(SAMPLES, 'snapshot-2', 'transactions.csv')], inboxEnv(context));
  const runs = await timed('bank snapshot-2 after the update', () => curlRuns(context, { source: 'bank' }));
  for (const detail of runs) {
    say(`faasd:   ${stepLine(detail)}`);
    assert.is(detail.run.status, 'succeeded', JSON.stringify(detail));
  }
  const silver = runs.find((detail) => detail.run.dataset === 'transactions')!.steps.find((step) => step.step === 'silver')!;
  assert.ok((silver.counts?.updated ?? 0) + (silver.counts?.closed ?? 0) + (silver.counts?.inserted ?? 0) > 0, `the second snapshot changed silver: ${JSON.stringify(silver.counts)}`);
});

faasd('no function was killed by the kernel on the way (past its memory limit, of-watchdog logs "signal: killed")', (context) => {
  const killed = FUNCTIONS.flatMap((name) => journal(context.kit, `openfaas-fn:${name}`).filter((line) => line.includes('Forked function has terminated: signal: killed')).map((line) => `${name}: ${line}`));
  assert.equal(killed, []);
});

faasd.run();
