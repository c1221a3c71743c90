/**
 * The console in a real browser: Debian's Chromium (installed by the test when missing, where it can be),
 * driven by playwright-core, with JavaScript off — every page must read without it. It runs the demo with
 * `dp up --demo`, starts a run that fails (ynab without its token), and finds the runs, the failed run's
 * error and log lines, the two versions of T00005 and the lineage to gold.monthly_spending. A screenshot
 * of each page is kept in test-artifacts/console/ (git-ignored). Skipped, with one line saying why, where no
 * Chromium can be had.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

import { projectRoot } from '#platform/env.ts';
import { createLogger } from '#platform/log.ts';
import { saveInvocationLogs } from '#pipeline/logs/saveInvocationLogs.ts';
import { createOrchestratorClient } from '#tools/cli/createOrchestratorClient.ts';
import { waitForRuns } from '#tools/cli/waitForRuns.ts';
import { CHROMIUM_FLAGS, ensureChromium } from '#tools/services/chromium.ts';
import { createTestDatabase, createTestMongo, type TestDatabase, type TestMongo } from '#support/database.ts';
import { freePort } from '#support/freePort.ts';
import { startDp, type DpProcess } from '#support/startDp.ts';

const ARTIFACTS = path.join(projectRoot, 'test-artifacts', 'console');
const PASSWORD = 'browser-test-password-3310';
const HOSTILE = `<img src=x onerror="document.title='pwned'">`;

type Context = { db: TestDatabase; mongo: TestMongo; dir: string; profile: string; dp: DpProcess; consoleUrl: string; gatewayUrl: string; failedRun: string; browser: BrowserContext };
const test = suite<Context>('console in Chromium');

const lookup = await ensureChromium(createLogger({ format: 'text', fields: {}, sink: (line) => process.stdout.write(`[chromium] ${line}\n`) }));

if (!lookup.found) {
  test('skipped: no Chromium can be had here', () => {
    process.stdout.write(`SKIPPED console browser test: ${lookup.reason}.\n`);
    assert.match(lookup.reason, /cannot install it|no apt-get|apt-get could not install|no chromium binary/);
  });
} else {
  test.before(async (context) => {
    await mkdir(ARTIFACTS, { recursive: true });
    context.db = await createTestDatabase({ migrate: false });
    context.mongo = await createTestMongo();
    context.dir = await mkdtemp(path.join(os.tmpdir(), 'dp-console-'));
    context.profile = await mkdtemp(path.join(os.tmpdir(), 'dp-chromium-'));
    const port = await freePort();
    context.gatewayUrl = `http://127.0.0.1:${port}`;
    context.dp = startDp(['up', '--demo', '--no-schedules'], {
      DATABASE_URL: context.db.url,
      MONGODB_URL: context.mongo.url,
      DP_DATA_DIR: context.dir,
      DP_GATEWAY_PORT: String(port),
      DP_GATEWAY_URL: context.gatewayUrl,
      DP_GATEWAY_PASSWORD: PASSWORD,
      DP_LOG_LEVEL: 'info',
      DP_SECRETS_PROVIDER: 'env',
    });
    const line = await context.dp.waitForLine(/^console\s+http/, 300_000);
    context.consoleUrl = /^console\s+(\S+)/.exec(line)![1]!;
    await context.dp.waitForLine(/^ready: /);
    // a run that fails: ynab has no token here, so its extract step fails for good
    const client = createOrchestratorClient({ gatewayUrl: context.gatewayUrl });
    const started = await client.startRuns({ source: 'ynab', dataset: 'budgets' });
    context.failedRun = started.runs[0]!.run_id;
    const [finished] = await waitForRuns({ client, runIds: [context.failedRun], pollMs: 200, timeoutMs: 120_000 });
    assert.is(finished!.run.status, 'failed');
    // and a log line quoting hostile input, which must stay text in the browser
    await saveInvocationLogs(context.db.pool, [{ runId: context.failedRun, step: 'extract', chunk: 0, attempt: 1, functionName: 'ynab', loggedAt: new Date().toISOString(), level: 'warn', event: 'ynab.odd_value', line: JSON.stringify({ event: 'ynab.odd_value', value: HOSTILE }) }], 200);
    context.browser = await chromium.launchPersistentContext(context.profile, {
      executablePath: lookup.path,
      args: [...CHROMIUM_FLAGS],
      headless: true,
      javaScriptEnabled: false,
      httpCredentials: { username: 'admin', password: PASSWORD },
      viewport: { width: 1280, height: 900 },
    });
  });

  test.after(async ({ browser, dp, db, mongo, dir, profile }) => {
    await browser?.close();
    if (dp !== undefined) {
      dp.child.kill('SIGINT');
      await dp.exited;
    }
    await db?.drop();
    await mongo?.drop();
    await Promise.all([dir, profile].filter(Boolean).map((folder) => rm(folder, { recursive: true, force: true })));
  });

  const open = async (browser: BrowserContext, url: string): Promise<Page> => {
    const page = browser.pages()[0] ?? (await browser.newPage());
    const response = await page.goto(url);
    assert.is(response?.status(), 200, url);
    return page;
  };
  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

  test('without credentials the console asks for them', async ({ consoleUrl }) => {
    const answer = await fetch(consoleUrl);
    assert.is(answer.status, 401);
    assert.match(answer.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  test('the runs page: a timeline with a lane per dataset and the runs of the demo, the failed run among them', async ({ browser, consoleUrl, failedRun }) => {
    const page = await open(browser, consoleUrl);
    const timeline = page.locator('.only-wide svg[aria-label^="Timeline"]');
    assert.is(await timeline.count(), 1);
    const lanes = await timeline.locator('text').allTextContents();
    for (const lane of ['bank.accounts', 'bank.transactions', 'ynab.budgets', 'gold.monthly_spending', 'gold.yearly_spending']) assert.ok(lanes.includes(lane), `lane ${lane} in ${lanes.join(', ')}`);
    const rows = page.locator('table.stack tbody tr');
    assert.ok((await rows.count()) >= 9, 'four dataset runs and the gold runs of the demo, and the failed run');
    const failedRow = page.locator('tr.failed', { hasText: failedRun });
    assert.match(await failedRow.innerText(), /failed[\s\S]*ynab\.budgets[\s\S]*secret\.not_found/);
    await shoot(page, 'runs');
    await page.setViewportSize({ width: 390, height: 844 });
    assert.ok(await page.locator('.only-narrow svg[aria-label^="Timeline"]').isVisible(), 'a phone gets the narrow timeline');
    assert.not.ok(await timeline.isVisible());
    await shoot(page, 'runs-phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test("the failed run: its error with what to do, its step, and the log lines of each invocation — hostile text stays text", async ({ browser, consoleUrl, failedRun }) => {
    const page = await open(browser, consoleUrl);
    await page.locator(`a[href$="/runs/${failedRun}"]`).first().click();
    assert.match(page.url(), new RegExp(`/runs/${failedRun}$`));
    const error = await page.locator('.error').first().innerText();
    assert.match(error, /Run failed: secret\.not_found/);
    assert.match(error, /ynab-token/);
    assert.match(error, /What to do: Create the secret/);
    const logs = await page.locator('.logs').allInnerTexts();
    const all = logs.join('\n');
    assert.match(all, /orchestrator\s+step\.sent/);
    assert.match(all, /ynab\s+step\.started/);
    assert.match(all, /ynab\s+ERROR step\.failed error=secret\.not_found/);
    assert.ok(all.includes(HOSTILE), 'the hostile value is shown as it was written');
    assert.is(await page.locator('img').count(), 0, 'and never became an element');
    assert.is(await page.title(), `ynab.budgets failed · Dataplatform console`);
    await shoot(page, 'run-failed');
  });

  test('bank.transactions: the form finds the two versions of T00005 (no script needed)', async ({ browser, consoleUrl }) => {
    const page = await open(browser, `${consoleUrl}datasets/bank/transactions`);
    assert.match(await page.locator('.facts').innerText(), /CURRENT ROWS\s+33[\s\S]*DELETED KEYS\s+1[\s\S]*VERSIONS KEPT\s+36/i);
    await page.fill('input[name="key.transaction_id"]', 'T00005');
    await Promise.all([page.waitForURL(/key\.transaction_id=T00005/), page.click('form.filters button')]);
    assert.match(await page.locator('h3').innerText(), /Key T00005: 2 versions/);
    const versions = await page.locator('table.history tbody tr').allInnerTexts();
    assert.is(versions.length, 2);
    assert.match(versions[0]!, /closed[\s\S]*-99\.09/);
    assert.match(versions[1]!, /∞\s+current[\s\S]*-100\.09/);
    await shoot(page, 'dataset-T00005');
  });

  test('the lineage: bank → bank.transactions → gold.monthly_spending → gold.yearly_spending, nodes apart and coloured by state', async ({ browser, consoleUrl }) => {
    const page = await open(browser, `${consoleUrl}lineage?focus=gold.monthly_spending`);
    const svg = page.locator('svg[aria-label^="Lineage"]');
    const labels = await svg.locator('text').allTextContents();
    for (const node of ['bank', 'bank.transactions', 'bank.accounts', 'gold.monthly_spending', 'gold.yearly_spending', 'ynab.budgets']) assert.ok(labels.includes(node), `node ${node}`);
    assert.match(labels.join('|'), /failed/, 'the failed dataset says so');
    const boxes = await svg.locator('a > g > rect:first-of-type').evaluateAll((rects) => rects.map((rect) => {
      const box = rect.getBoundingClientRect();
      return { x: box.x, y: box.y, width: box.width, height: box.height };
    }));
    assert.ok(boxes.length >= 14, `${boxes.length} nodes`);
    for (const [index, a] of boxes.entries()) {
      for (const b of boxes.slice(index + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        assert.ok(apart, `nodes overlap: ${JSON.stringify(a)} ${JSON.stringify(b)}`);
      }
    }
    const focusedEdges = await svg.locator('path[stroke="#1d2733"]').count();
    assert.is(focusedEdges, 5, 'lit: bank → accounts, bank → transactions, both → monthly_spending, monthly_spending → yearly_spending');
    await shoot(page, 'lineage');
  });

  test('datasets and triggers pages', async ({ browser, consoleUrl }) => {
    const datasets = await open(browser, `${consoleUrl}datasets`);
    assert.match(await datasets.locator('table').first().innerText(), /bank\.transactions[\s\S]*succeeded[\s\S]*33\s+1\s+36/);
    await shoot(datasets, 'datasets');
    const triggers = await open(browser, `${consoleUrl}triggers`);
    assert.match(await triggers.locator('table').first().innerText(), /orchestrator\s+\* \* \* \* \*/);
    assert.match(await triggers.innerText('body'), /silver_changed/);
    await shoot(triggers, 'triggers');
  });
}

test.run();
