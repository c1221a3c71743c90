import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { canonicalHash } from '../canonicalHash.ts';
import type { GoldModel } from '../schema.ts';
import type { ChangeKind } from './catalogChanges.ts';

const changeRow = z.object({ name: z.string(), change: z.enum(['added', 'changed', 'unchanged', 'restored']) });

/**
 * Writes every gold model with its SQL (un-retiring those that come back) and tells, per `gold.<model>`,
 * whether it was added, changed (definition or SQL), restored or unchanged.
 */
export async function upsertGoldModels(
  db: CommonQueryMethods,
  versionId: number,
  models: readonly GoldModel[],
  modelSql: Readonly<Record<string, string>>,
): Promise<{ name: string; change: ChangeKind }[]> {
  const rows = models.map((model) => {
    const sqlText = modelSql[model.name] ?? '';
    return { model: model.name, sql_file: model.sql, sql_text: sqlText, definition: model, hash: canonicalHash({ model, sqlText }) };
  });
  const result = await db.any(sql.type(changeRow)`
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset(${sql.jsonb(rows)}) AS x(model text, sql_file text, sql_text text, definition jsonb, hash text)
    ), previous AS (
      SELECT g.model, g.hash, g.retired_at FROM platform.gold_models AS g JOIN incoming USING (model)
    ), written AS (
      INSERT INTO platform.gold_models (model, sql_file, sql_text, definition, hash, created_version, changed_version)
      SELECT model, sql_file, sql_text, definition, hash, ${versionId}, ${versionId} FROM incoming
      ON CONFLICT (model) DO UPDATE SET
        sql_file = excluded.sql_file,
        sql_text = excluded.sql_text,
        definition = excluded.definition,
        hash = excluded.hash,
        changed_version = CASE WHEN gold_models.hash = excluded.hash THEN gold_models.changed_version ELSE excluded.changed_version END,
        retired_at = NULL,
        retired_version = NULL
      RETURNING model
    )
    SELECT 'gold.' || i.model AS name,
      CASE WHEN p.model IS NULL THEN 'added'
           WHEN p.retired_at IS NOT NULL THEN 'restored'
           WHEN p.hash <> i.hash THEN 'changed'
           ELSE 'unchanged' END AS change
    FROM incoming AS i LEFT JOIN previous AS p USING (model)`);
  return [...result];
}
