import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { goldModelSchema, type GoldModel } from '../schema.ts';

const dependentRow = z.object({ definition: goldModelSchema, sql_text: z.string(), depth: z.number() });

/** What changed upstream: a dataset, or a gold model. */
export type Upstream = { readonly source: string; readonly dataset: string } | { readonly model: string };

export type DependentModel = {
  readonly model: GoldModel;
  /** The model's SQL as synced. */
  readonly sql: string;
  /** 1 for a model reading the upstream directly, 2 for a model reading that one, and so on (longest path). */
  readonly depth: number;
};

/**
 * The active gold models to rebuild after `upstream` changed: those reading it directly and, transitively,
 * those reading them. Ordered so every model comes after the models it reads (by depth, then name).
 */
export async function listDependentModels(db: CommonQueryMethods, upstream: Upstream): Promise<DependentModel[]> {
  const start = 'model' in upstream
    ? sql.fragment`d.upstream_model = ${upstream.model}`
    : sql.fragment`d.upstream_source = ${upstream.source} AND d.upstream_dataset = ${upstream.dataset}`;
  const rows = await db.any(sql.type(dependentRow)`
    WITH RECURSIVE downstream (model, depth) AS (
      SELECT d.model, 1
      FROM platform.model_dependencies AS d
      JOIN platform.gold_models AS g ON g.model = d.model AND g.retired_at IS NULL
      WHERE ${start}
      UNION ALL
      SELECT d.model, downstream.depth + 1
      FROM platform.model_dependencies AS d
      JOIN downstream ON d.upstream_model = downstream.model
      JOIN platform.gold_models AS g ON g.model = d.model AND g.retired_at IS NULL
      -- Validation refuses cycles; the bound only keeps a hand-edited catalog from looping.
      WHERE downstream.depth < 64
    )
    SELECT g.definition, g.sql_text, max(downstream.depth) AS depth
    FROM downstream
    JOIN platform.gold_models AS g USING (model)
    GROUP BY g.model, g.definition, g.sql_text
    ORDER BY depth, g.model`);
  return rows.map((row) => ({ model: row.definition, sql: row.sql_text, depth: row.depth }));
}
