import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { STEP_NAMES } from '../pipeline.ts';
import { stepRowSchema, type StepRow } from './stepRow.ts';

/** Every step chunk of these runs, per run in pipeline order (step, then chunk). */
export async function listRunSteps(db: CommonQueryMethods, runIds: readonly string[]): Promise<readonly StepRow[]> {
  if (runIds.length === 0) return [];
  return db.any(sql.type(stepRowSchema)`
    SELECT * FROM platform.run_steps
    WHERE run_id = ANY(${sql.array([...runIds], 'text')})
    ORDER BY run_id, array_position(${sql.array([...STEP_NAMES], 'text')}, step), chunk`);
}
