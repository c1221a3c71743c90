import { ValidationError } from '#platform/errors.ts';
import { createLogger } from '#platform/log.ts';
import { buildGoldModel } from './buildGoldModel.ts';
import type { FunctionResources } from '#platform/function/createFunctionResources.ts';
import type { StepRunner } from '#pipeline/steps.ts';
import { findMissingUpstreams } from './findMissingUpstreams.ts';
import { loadGoldStepRun } from './loadGoldStepRun.ts';

/**
 * The gold step: rebuilds `gold.<model>` from the model's SQL (shared/gold) and swaps it in
 * atomically. A model whose upstream tables do not exist yet (a dataset never loaded) is refused
 * with `gold.upstream_missing`; the model runs again when that dataset changes. A model is one
 * statement and cannot continue in a next invocation: it gets the time left in the step budget, a build
 * past it is cancelled and reported (`gold.model_too_slow`), and one that used over half of it is logged
 * (`gold.model_near_budget`) with its share in the step's detail.
 * Counts: `inserted` the rows of the new table.
 */
export const runGoldStep: StepRunner<FunctionResources> = async (context, resources) => {
  const pool = await resources.pool();
  const run = await loadGoldStepRun(pool, context.request);
  const missing = await findMissingUpstreams(pool, run.model);
  if (missing.length > 0) {
    throw new ValidationError('gold.upstream_missing', `Gold model \`${run.model.name}\` reads ${missing.join(', ')}, which ${missing.length === 1 ? 'does' : 'do'} not exist yet; load ${missing.length === 1 ? 'that dataset' : 'those datasets'} first (\`dp run <source>\`) — the model is rebuilt when ${missing.length === 1 ? 'it changes' : 'they change'}.`, { context: { model: run.model.name, missing } });
  }
  const budgetMs = context.timeLeftMs();
  const built = await buildGoldModel(pool, run.model, run.sql, { timeoutMs: budgetMs });
  const share = budgetMs > 0 ? built.durationMs / budgetMs : 0;
  if (share > 0.5) {
    createLogger().warn('gold.model_near_budget', { model: run.model.name, build_ms: built.durationMs, budget_ms: budgetMs, note: 'a model that outgrows one invocation fails; make it cheaper before it does' });
  }
  return { status: 'done', counts: { inserted: built.rows }, detail: { table: built.table, rows: built.rows, build_ms: built.durationMs, budget_share: Math.round(share * 100) / 100 } };
};
