import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import type { GoldModel } from '../schema.ts';

/** Replaces the dependency rows of every model in `models` with its current `depends_on`. */
export async function replaceModelDependencies(db: CommonQueryMethods, models: readonly GoldModel[]): Promise<void> {
  const edges = models.flatMap((model) =>
    // A dependency listed twice (a validation warning) is one edge.
    [...new Set(model.depends_on)].map((upstream, position) => {
      const [first, second] = upstream.split('.') as [string, string];
      return first === 'gold'
        ? { model: model.name, upstream, position, upstream_source: null, upstream_dataset: null, upstream_model: second }
        : { model: model.name, upstream, position, upstream_source: first, upstream_dataset: second, upstream_model: null };
    }),
  );
  await db.query(sql.unsafe`
    DELETE FROM platform.model_dependencies
    WHERE model = ANY(${sql.array(models.map((model) => model.name), 'text')})`);
  await db.query(sql.unsafe`
    INSERT INTO platform.model_dependencies (model, upstream, position, upstream_source, upstream_dataset, upstream_model)
    SELECT model, upstream, position, upstream_source, upstream_dataset, upstream_model
    FROM jsonb_to_recordset(${sql.jsonb(edges)})
      AS x(model text, upstream text, position integer, upstream_source text, upstream_dataset text, upstream_model text)`);
}
