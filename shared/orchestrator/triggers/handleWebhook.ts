import { ConfigError, NotFoundError, PlatformError, isPlatformError } from '#platform/errors.ts';
import { closestName } from '#metadata/closestName.ts';
import { redactAndCut } from '#platform/redact.ts';
import { loadCatalog } from '#metadata/catalog/loadCatalog.ts';
import type { OrchestratorReply, WebhookDelivery } from '../api/orchestratorApi.ts';
import { openRuns } from '../runs/openRuns.ts';
import type { OrchestratorContext } from '../orchestratorContext.ts';
import type { RunTarget } from '../runs/runTarget.ts';
import { claimWebhookDelivery, recordDeliveryRuns, releaseWebhookDelivery } from './claimWebhookDelivery.ts';
import { SIGNATURE_HEADER, verifyWebhookSignature } from './verifyWebhookSignature.ts';

function header(headers: WebhookDelivery['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `POST /webhooks/<source>`: a source's service says something changed. The body must be signed with the
 * source's shared secret (metadata `webhook_secret`, read from the secret store): `X-Hub-Signature-256:
 * sha256=<hex HMAC-SHA256 of the raw body>`. Unsigned or badly signed calls are refused with 401 and start
 * nothing. A valid call starts a run of each dataset of the source whose `trigger.webhook` is not false, with
 * its usual load (a delta dataset asks for the changes since its cursor); the body is not used as data.
 * A replay — the same delivery id, or the same signed body, within DP_WEBHOOK_REPLAY_WINDOW_SECONDS — is
 * answered 200 `outcome: duplicate` and starts nothing.
 */
export async function handleWebhook(context: OrchestratorContext, delivery: WebhookDelivery): Promise<OrchestratorReply> {
  const catalog = await loadCatalog(context.pool);
  const source = catalog.metadata.sources.find((candidate) => candidate.source === delivery.source);
  if (source === undefined) {
    const guess = closestName(delivery.source, catalog.metadata.sources.map((candidate) => candidate.source));
    throw new NotFoundError('webhook.unknown_source', `There is no source \`${delivery.source}\` to take webhooks for${guess === undefined ? '' : `; did you mean \`${guess}\`?`}`, { context: { source: delivery.source } });
  }
  if (source.webhook_secret === undefined) {
    throw new PlatformError('webhook.not_configured', `Source \`${source.source}\` takes no webhooks: set \`webhook_secret\` in its metadata to the name of a secret holding the shared HMAC key, then run \`dp metadata sync\`.`, { status: 403, context: { source: source.source } });
  }
  let secret: string;
  try {
    secret = await context.secrets.get(source.webhook_secret);
  } catch (error) {
    if (isPlatformError(error) && error.code === 'secret.not_found') {
      throw new ConfigError('webhook.secret_missing', `Source \`${source.source}\` names webhook secret \`${source.webhook_secret}\`, which the secret store does not hold; create it (faas-cli secret create ${source.webhook_secret}) and list it under the orchestrator's secrets in stack.yml.`, { cause: error, context: { source: source.source, secret: source.webhook_secret } });
    }
    throw error;
  }
  const signature = header(delivery.headers, SIGNATURE_HEADER);
  verifyWebhookSignature(delivery.rawBody, signature, secret, source.source);

  const delivered = header(delivery.headers, 'x-github-delivery') ?? header(delivery.headers, 'x-request-id');
  const event = header(delivery.headers, 'x-github-event');
  // The delivery id header is not signed, so the signature (of the body) is a key too: a replay with the id
  // removed or changed is still the same signed body.
  const keys = [`sig:${signature?.trim() ?? ''}`, ...(delivered === undefined || delivered === '' ? [] : [`id:${delivered}`])];
  const claim = await context.pool.transaction((tx) => claimWebhookDelivery(tx, source.source, keys, context.config.webhookReplayWindowMs, new Date(context.now())));
  if (!claim.fresh) {
    context.log.info('webhook.duplicate', { source: source.source, delivery: delivered ?? null, first_received_at: claim.receivedAt.toISOString() });
    return { status: 200, body: { source: source.source, outcome: 'duplicate', delivery: delivered ?? null, first_received_at: claim.receivedAt.toISOString(), run_ids: claim.runIds, runs: [], skipped: [] } };
  }

  const targets = source.datasets
    .filter((dataset) => dataset.trigger?.webhook !== false)
    .map((dataset): RunTarget => ({ kind: 'dataset', source, dataset, load: dataset.load }));
  const detail = { ...(delivered === undefined ? {} : { delivery: redactAndCut(delivered, 200) }), ...(event === undefined ? {} : { event: redactAndCut(event, 100) }) };
  let opened: Awaited<ReturnType<typeof openRuns>>;
  try {
    opened = await openRuns(context, catalog, targets, 'webhook', detail);
  } catch (error) {
    await releaseWebhookDelivery(context.pool, source.source, keys).catch(() => undefined);
    throw error;
  }
  await recordDeliveryRuns(context.pool, source.source, keys, [...opened.runs, ...opened.skipped].map((run) => run.run_id));
  return { status: targets.length === 0 ? 200 : 202, body: { source: source.source, outcome: 'accepted', ...opened } };
}
