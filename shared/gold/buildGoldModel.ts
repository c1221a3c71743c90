import { z } from 'zod';

import { sql, type DatabasePool, type DatabaseTransactionConnection } from '#platform/db/sql.ts';
import { PlatformError, ValidationError } from '#platform/errors.ts';
import { describeModelSql } from '#metadata/describeModelSql.ts';
import type { GoldModel } from '#metadata/schema.ts';

export type GoldBuildResult = {
  readonly model: string;
  /** `gold.<model>` */
  readonly table: string;
  readonly rows: number;
  readonly durationMs: number;
};

/**
 * A model's SELECT as a SQL fragment. The text is authored by the owner of the metadata and trusted
 * like a migration, so it is embedded as written: a template with no holes, which is what slonik
 * builds from a literal. It carries no bound values, and a second statement is refused by Postgres'
 * extended protocol.
 */
function modelFragment(text: string): ReturnType<typeof sql.fragment> {
  const strings = Object.freeze(Object.assign([text], { raw: Object.freeze([text]) })) as unknown as TemplateStringsArray;
  return sql.fragment(strings);
}

/**
 * Builds `gold.<model>` from the model's SELECT, which can only read:
 * 1. Postgres' parser (describeModelSql) must find one query that changes nothing (no data-modifying CTE,
 *    no SELECT … INTO, no row locks), else `gold.model_not_a_query`;
 * 2. the SELECT runs in a READ ONLY transaction (`transaction_read_only`), into a temporary table of the
 *    same shape: a function that writes fails there, whatever the model calls;
 * 3. a second transaction copies the result into a new gold table, which replaces the previous one, so
 *    readers see the old table or the new one, never a missing or half-built one.
 * A failing model leaves the previous table as it was and raises a PlatformError (`gold.model_failed`)
 * naming the model and carrying Postgres' error; with `timeoutMs` (the time left in the step's budget) a
 * build that runs longer is cancelled and reported as `gold.model_too_slow`, since a model cannot be split
 * across invocations.
 */
export async function buildGoldModel(pool: DatabasePool, model: GoldModel, sqlText: string, options: { readonly timeoutMs?: number } = {}): Promise<GoldBuildResult> {
  const select = sqlText.trim().replace(/;\s*$/, '').trim();
  if (select === '') {
    throw new ValidationError('gold.model_empty', `Gold model \`${model.name}\`: its SQL file ${model.sql} is empty; write one SELECT whose result becomes gold.${model.name}.`, { context: { model: model.name } });
  }
  const facts = describeModelSql(select);
  if (facts.problem !== undefined) {
    throw new ValidationError('gold.model_not_a_query', `Gold model \`${model.name}\`: its SQL ${facts.problem}. Nothing was run; write one SELECT (or WITH … SELECT) that only reads, then \`dp metadata sync\`.`, { context: { model: model.name } });
  }
  const target = sql.identifier(['gold', model.name]);
  const building = `${model.name}__build`;
  const scratch = sql.identifier([`gold_build_${model.name}`]);
  const query = modelFragment(select);
  const started = Date.now();
  try {
    // The step's time left bounds both transactions together (a model cannot continue in a next invocation).
    const deadline = options.timeoutMs === undefined ? undefined : started + options.timeoutMs;
    const limitTime = async (tx: DatabaseTransactionConnection): Promise<void> => {
      if (deadline !== undefined) await tx.query(sql.unsafe`SELECT set_config('statement_timeout', ${`${Math.max(1, Math.floor(deadline - Date.now()))}ms`}, true)`);
    };
    const rows = await pool.connect(async (connection) => {
      try {
        await connection.query(sql.unsafe`DROP TABLE IF EXISTS pg_temp.${scratch}`);
        await connection.transaction(async (tx) => {
          await limitTime(tx);
          // Shape only: WITH NO DATA plans the query without running it.
          await tx.query(sql.unsafe`CREATE TEMP TABLE ${scratch} AS ${query} WITH NO DATA`);
          await tx.query(sql.unsafe`SET LOCAL transaction_read_only = on`);
          // A read-only transaction may still fill a temporary table; anything else the query writes fails.
          await tx.query(sql.unsafe`INSERT INTO pg_temp.${scratch} ${query}`);
        });
        return await connection.transaction(async (tx) => {
          await limitTime(tx);
          await tx.query(sql.unsafe`DROP TABLE IF EXISTS ${sql.identifier(['gold', building])}`);
          await tx.query(sql.unsafe`CREATE TABLE ${sql.identifier(['gold', building])} AS TABLE pg_temp.${scratch}`);
          const count = await tx.oneFirst(sql.type(z.object({ rows: z.bigint() }))`SELECT count(*) AS rows FROM ${sql.identifier(['gold', building])}`);
          await tx.query(sql.unsafe`DROP TABLE IF EXISTS ${target}`);
          await tx.query(sql.unsafe`ALTER TABLE ${sql.identifier(['gold', building])} RENAME TO ${sql.identifier([model.name])}`);
          await tx.query(sql.unsafe`COMMENT ON TABLE ${target} IS ${sql.literalValue(`Gold model ${model.name} (${model.sql}); rebuilt as a whole on every run.`)}`);
          return Number(count);
        });
      } finally {
        // The connection goes back to the pool: its temporary table must not outlive the build.
        await connection.query(sql.unsafe`DROP TABLE IF EXISTS pg_temp.${scratch}`).catch(() => undefined);
      }
    });
    return { model: model.name, table: `gold.${model.name}`, rows, durationMs: Date.now() - started };
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const sqlState = error instanceof PlatformError ? error.context.sqlState : undefined;
    if (options.timeoutMs !== undefined && error instanceof PlatformError && error.code === 'db.statement_timeout') {
      // A model is one statement: it cannot checkpoint and go on in the next invocation, so a retry would only fail again.
      throw new PlatformError('gold.model_too_slow', `Gold model \`${model.name}\` (${model.sql}) did not finish within the ${Math.round(options.timeoutMs / 1000)} s left of its step budget, so it outgrows one invocation; gold.${model.name} was left as it was. Make the model cheaper (index what it joins on, read fewer rows, or split it into models that build on each other), or raise DP_STEP_BUDGET_MS (at most 55000) if the function's exec_timeout allows.`, {
        cause: error,
        retryable: false,
        context: { model: model.name, sqlState, timeoutMs: options.timeoutMs },
      });
    }
    throw new PlatformError('gold.model_failed', `Gold model \`${model.name}\` (${model.sql}) failed, and gold.${model.name} was left as it was: ${detail} Fix the model's SQL and run it again.`, {
      cause: error,
      retryable: error instanceof PlatformError && error.retryable,
      context: { model: model.name, sqlState },
    });
  }
}
