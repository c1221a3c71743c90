import { z } from 'zod';

import { getEnv } from '#platform/env.ts';
import { ConflictError, isPlatformError, ValidationError } from '#platform/errors.ts';
import { systemClock, type Clock } from '#platform/http/clock.ts';
import { createHttpClient } from '#platform/http/createHttpClient.ts';
import { createRequestBudget, type RequestBudget } from '#platform/http/createRequestBudget.ts';
import { WAIT_PAST_DEADLINE } from '#platform/http/sendRequest.ts';
import type { DatasetRef } from '#metadata/schema.ts';
import type { RawRunRef, RawStore } from '#platform/raw/rawStore.ts';
import { parseConnectorSettings } from './parseConnectorSettings.ts';
import { assertJsonValue } from '#pipeline/cursor/assertJsonValue.ts';
import type { JsonValue } from '#pipeline/cursor/datasetRunRef.ts';
import type { ConnectorContext, ExtractRequest, ExtractResult, RejectedRecord } from './types.ts';

/** One page a connector received: written as one raw part. */
export type Page<S> = {
  readonly records: readonly unknown[];
  /** Where the page came from (URL without secrets, file name), kept in the part for lineage. */
  readonly origin?: string;
  /** The state after this page: where a continuation starts. */
  readonly state: S;
  readonly rejects?: readonly RejectedRecord[];
  /**
   * Write this page as a part even when it holds no records: a full snapshot that is empty (an export
   * with only a header) must reach silver as "no keys", which deletes them, rather than as "nothing loaded".
   */
  readonly emptySnapshot?: boolean;
};

/** What a connector's page generator returns when the dataset is complete. */
export type Finish = {
  readonly cursor?: JsonValue;
  readonly unchanged?: boolean;
  readonly detail?: Readonly<Record<string, JsonValue>>;
};

/** Everything a page generator needs; `context` has its defaults filled in. */
export type PageInput<C, E, S> = {
  readonly ref: DatasetRef;
  readonly run: RawRunRef;
  readonly config: C;
  readonly extract: E;
  readonly state: S;
  readonly deadline: number;
  readonly budget: RequestBudget | undefined;
  readonly context: Required<Omit<ConnectorContext, 'db' | 'files'>> & Pick<ConnectorContext, 'db' | 'files'>;
};

export type StartInput<C, E> = {
  readonly ref: DatasetRef;
  readonly config: C;
  readonly extract: E;
  /** The committed cursor, unparsed; undefined on a first or `--full` run. */
  readonly cursor: unknown;
};

/** Never start a page with less time than this left, in ms; grows to the slowest page seen. */
const MIN_PAGE_RESERVE_MS = 2000;

const checkpointSchema = z.strictObject({
  v: z.literal(1),
  /** Number of the next raw part. */
  part: z.number().int().min(0),
  state: z.unknown(),
  /** Request times still inside the rate-limit window. */
  budget: z.array(z.number()).optional(),
});

/**
 * The base of every connector. A subclass declares its settings schemas and yields pages from
 * an async generator; this class parses settings and checkpoints, writes each page as one raw
 * part (numbers continue across continuations), stops before the deadline with a checkpoint,
 * turns "wait past the deadline" (rate limits, Retry-After) into a checkpoint with `resumeAt`,
 * and returns the cursor reached. Stopping and resuming yields exactly the pages of one
 * uninterrupted run, because the state saved is the state after the last written page.
 */
export abstract class Connector<C, E, S> {
  /** The connector kind named in metadata (`connector: ynab`). */
  abstract readonly kind: string;
  /** Schema of the source's `config`. */
  abstract readonly configSchema: z.ZodType<C>;
  /** Schema of each dataset's `extract`. */
  abstract readonly extractSchema: z.ZodType<E>;
  /** Schema of the state kept in checkpoints (plain JSON). */
  abstract readonly stateSchema: z.ZodType<S>;
  /** Secret roles a source of this kind may map in `secrets:` (checked by `dp metadata validate`). */
  readonly secretRoles: readonly string[] = [];

  /** The state of a fresh extraction; parses the committed cursor with the connector's own schema. */
  protected abstract start(input: StartInput<C, E>): S;

  /** Yields the pages from `input.state` on; returns the cursor reached when the dataset is complete. */
  protected abstract pages(input: PageInput<C, E, S>): AsyncGenerator<Page<S>, Finish, void>;

  /** The API's request budget per token, when it has one. Default: none. */
  protected rateLimit(_config: C): { readonly limit: number; readonly windowMs: number } | undefined {
    return undefined;
  }

  /** Parses the source's config and the dataset's extract settings; a ConfigError naming every bad key. */
  parseSettings(ref: DatasetRef): { config: C; extract: E } {
    return parseConnectorSettings(this.kind, ref, this.configSchema, this.extractSchema);
  }

  /**
   * "Nothing new" ends the run without bronze and silver, so it must not drop records already in raw: a run whose
   * parts were written (by this call, an earlier chunk, or an attempt that failed) and that then finds nothing — the
   * source or file went away between attempts — fails instead of succeeding without them.
   */
  private async assertNothingWritten(request: ExtractRequest, label: string, raw: RawStore): Promise<void> {
    const parts = await raw.listPartKeys(request.run);
    if (parts.length === 0) return;
    throw new ConflictError('extract.unchanged_with_parts', `${label}: run ${request.run.runId} found nothing to import, but raw already holds ${parts.length} part(s) it wrote before (${parts[0]}${parts.length > 1 ? ', …' : ''}); their source went away between attempts, so they can be neither merged as a whole nor dropped silently. The run fails; put the source's data back (for files: drop the export again) and start a new run.`, { context: { source: request.ref.source.source, dataset: request.ref.dataset.name, run_id: request.run.runId, parts: parts.length } });
  }

  /** Extracts pages into the raw store until the dataset is complete or the deadline comes near. */
  async extract(request: ExtractRequest, context: ConnectorContext): Promise<ExtractResult> {
    const { ref, run, deadline } = request;
    const label = `dataset ${ref.source.source}.${ref.dataset.name}`;
    const { config, extract } = this.parseSettings(ref);
    const clock: Clock = context.clock ?? systemClock;
    const resolved = { ...context, clock, http: context.http ?? createHttpClient(), env: context.env ?? getEnv() };

    let part = 0;
    let state: S;
    let spent: number[] | undefined;
    if (request.checkpoint === undefined || request.checkpoint === null) {
      state = this.start({ ref, config, extract, cursor: request.full === true ? undefined : request.cursor });
    } else {
      const parsed = checkpointSchema.safeParse(request.checkpoint);
      const inner = parsed.success ? this.stateSchema.safeParse(parsed.data.state) : undefined;
      if (!parsed.success || inner === undefined || !inner.success) {
        throw new ValidationError('connector.bad_checkpoint', `${label}: the checkpoint handed to the ${this.kind} connector is not one it wrote (${(parsed.success ? inner?.error : parsed.error)?.issues[0]?.message ?? 'unreadable'}); start the run again without a checkpoint.`, { context: { source: ref.source.source, dataset: ref.dataset.name } });
      }
      part = parsed.data.part;
      state = inner.data;
      spent = parsed.data.budget;
    }
    const limit = this.rateLimit(config);
    const budget = limit === undefined ? undefined : createRequestBudget({ ...limit, ...(spent === undefined ? {} : { spent }) });

    const rejects: RejectedRecord[] = [];
    let pages = 0;
    let records = 0;
    let reserveMs = MIN_PAGE_RESERVE_MS;
    const checkpoint = (): JsonValue => {
      const value = { v: 1, part, state, ...(budget === undefined ? {} : { budget: budget.snapshot(clock.now()) }) };
      assertJsonValue(value, `${label}: the checkpoint`);
      return value;
    };
    const stop = async (resumeAt?: number): Promise<ExtractResult> => {
      if (pages > 0) await context.raw.writeManifest(run, false);
      context.logger.info('extract.checkpoint', { source: ref.source.source, dataset: ref.dataset.name, run_id: run.runId, pages, records, next_part: part });
      return { done: false, checkpoint: checkpoint(), pages, records, rejects, detail: {}, ...(resumeAt === undefined ? {} : { resumeAt }) };
    };

    const generator = this.pages({ ref, run, config, extract, state, deadline, budget, context: resolved });
    for (;;) {
      if (clock.now() + reserveMs > deadline) {
        await generator.return({});
        return stop();
      }
      const pageStarted = clock.now();
      let next: IteratorResult<Page<S>, Finish>;
      try {
        next = await generator.next();
      } catch (error) {
        if (isPlatformError(error) && error.code === WAIT_PAST_DEADLINE) {
          const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs ?? 0;
          context.logger.info('extract.paused', { source: ref.source.source, dataset: ref.dataset.name, run_id: run.runId, reason: error.message, resume_after_ms: retryAfterMs });
          return stop(clock.now() + retryAfterMs);
        }
        throw error;
      }
      if (next.done === true) {
        const finish = next.value;
        if (finish.unchanged === true) await this.assertNothingWritten(request, label, context.raw);
        await context.raw.writeManifest(run, true);
        if (finish.cursor !== undefined) assertJsonValue(finish.cursor, `${label}: the cursor`);
        context.logger.info('extract.done', { source: ref.source.source, dataset: ref.dataset.name, run_id: run.runId, pages, records, unchanged: finish.unchanged === true });
        return {
          done: true,
          pages,
          records,
          rejects,
          detail: finish.detail ?? {},
          ...(finish.cursor === undefined ? {} : { nextCursor: finish.cursor }),
          ...(finish.unchanged === true ? { unchanged: true } : {}),
        };
      }
      const page = next.value;
      if (page.records.length > 0 || page.emptySnapshot === true) {
        await context.raw.writePart(run, part, page.records, page.origin);
        part += 1;
        pages += 1;
        records += page.records.length;
      }
      rejects.push(...(page.rejects ?? []));
      state = page.state;
      reserveMs = Math.max(reserveMs, clock.now() - pageStarted);
    }
  }
}
