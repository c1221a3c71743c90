import { z } from 'zod';

import { sql, type CommonQueryMethods, type DatabaseTransactionConnection } from '#platform/db/sql.ts';

export type DeliveryClaim =
  | { readonly fresh: true }
  | { readonly fresh: false; readonly receivedAt: Date; readonly runIds: readonly string[] };

const seenRow = z.object({ received_at: z.date(), run_ids: z.array(z.string()) });

/**
 * Records a webhook delivery under each of its keys (`id:<delivery id>`, `sig:<signature>`), in the caller's
 * transaction, unless one of them was recorded within `windowMs`: then it is a replay and the first record is
 * returned. Records older than the window are dropped first, so the table stays as small as the window.
 * The caller's transaction is what makes two simultaneous deliveries of the same body count once.
 */
export async function claimWebhookDelivery(tx: DatabaseTransactionConnection, source: string, keys: readonly string[], windowMs: number, now: Date): Promise<DeliveryClaim> {
  const since = new Date(now.getTime() - windowMs);
  await tx.query(sql.unsafe`DELETE FROM platform.webhook_deliveries WHERE received_at < ${sql.timestamp(since)}`);
  // One delivery at a time per source: the check and the insert below must see each other.
  await tx.query(sql.unsafe`SELECT pg_advisory_xact_lock(hashtext('webhook_delivery'), hashtext(${source}))`);
  const seen = await tx.maybeOne(sql.type(seenRow)`
    SELECT received_at, run_ids FROM platform.webhook_deliveries
    WHERE source = ${source} AND delivery_key = ANY(${sql.array([...keys], 'text')})
    ORDER BY received_at LIMIT 1`);
  if (seen !== null) return { fresh: false, receivedAt: seen.received_at, runIds: seen.run_ids };
  await tx.query(sql.unsafe`
    INSERT INTO platform.webhook_deliveries (source, delivery_key, received_at)
    SELECT ${source}, key, ${sql.timestamp(now)} FROM unnest(${sql.array([...keys], 'text')}) AS key
    ON CONFLICT (source, delivery_key) DO UPDATE SET received_at = excluded.received_at, run_ids = '{}'`);
  return { fresh: true };
}

/** Notes the runs a delivery started, for the answer to its replays. */
export async function recordDeliveryRuns(db: CommonQueryMethods, source: string, keys: readonly string[], runIds: readonly string[]): Promise<void> {
  await db.query(sql.unsafe`
    UPDATE platform.webhook_deliveries SET run_ids = ${sql.array([...runIds], 'text')}
    WHERE source = ${source} AND delivery_key = ANY(${sql.array([...keys], 'text')})`);
}

/** Forgets a delivery whose runs could not be started, so the sender's retry is taken. */
export async function releaseWebhookDelivery(db: CommonQueryMethods, source: string, keys: readonly string[]): Promise<void> {
  await db.query(sql.unsafe`DELETE FROM platform.webhook_deliveries WHERE source = ${source} AND delivery_key = ANY(${sql.array([...keys], 'text')})`);
}
