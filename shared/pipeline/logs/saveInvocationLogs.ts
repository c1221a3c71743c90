import { z } from 'zod';

import { sql, type CommonQueryMethods } from '#platform/db/sql.ts';
import { listExistingRunIds } from '../runStore/listExistingRunIds.ts';
import type { InvocationLogLine } from './createInvocationLogBuffer.ts';

/**
 * Stores captured log lines in `platform.invocation_logs` in one statement. Lines of runs that do
 * not exist are left out (a request for an unknown run logs too), and so is every line past
 * `linesPerInvocation` for one (run, step, chunk, attempt, function), counting the lines earlier
 * invocations stored — an orchestrator writes a run's lines over many requests. Resolves to the number stored.
 */
export async function saveInvocationLogs(db: CommonQueryMethods, lines: readonly InvocationLogLine[], linesPerInvocation: number): Promise<number> {
  const runs = await listExistingRunIds(db, [...new Set(lines.map((line) => line.runId))]);
  const kept = lines.filter((line) => runs.has(line.runId));
  if (kept.length === 0) return 0;
  const column = <T>(pick: (line: InvocationLogLine) => T): T[] => kept.map(pick);
  return db.oneFirst(sql.type(z.object({ stored: z.number() }))`
    WITH incoming AS (
      SELECT t.*
      FROM unnest(
        ${sql.array(column((line) => line.runId), 'text')}, ${sql.array(column((line) => line.step), 'text')},
        ${sql.array(column((line) => line.chunk), 'int4')}, ${sql.array(column((line) => line.attempt), 'int4')},
        ${sql.array(column((line) => line.functionName), 'text')}, ${sql.array(column((line) => line.loggedAt), 'timestamptz')},
        ${sql.array(column((line) => line.level), 'text')}, ${sql.array(column((line) => line.event), 'text')},
        ${sql.array(column((line) => line.line), 'text')}
      ) WITH ORDINALITY AS t(run_id, step, chunk, attempt, function_name, logged_at, level, event, line, ordinal)
    ),
    existing AS (
      SELECT l.run_id, l.step, l.chunk, l.attempt, l.function_name, count(*) AS stored
      FROM platform.invocation_logs AS l
      WHERE l.run_id = ANY(${sql.array([...runs], 'text')})
      GROUP BY 1, 2, 3, 4, 5
    ),
    numbered AS (
      SELECT i.*, coalesce(e.stored, 0)
                  + row_number() OVER (PARTITION BY i.run_id, i.step, i.chunk, i.attempt, i.function_name ORDER BY i.ordinal) AS position
      FROM incoming AS i
      LEFT JOIN existing AS e
        ON e.run_id = i.run_id AND e.step IS NOT DISTINCT FROM i.step AND e.chunk IS NOT DISTINCT FROM i.chunk
       AND e.attempt IS NOT DISTINCT FROM i.attempt AND e.function_name = i.function_name
    ),
    inserted AS (
      INSERT INTO platform.invocation_logs (run_id, step, chunk, attempt, function_name, logged_at, level, event, line)
      SELECT run_id, step, chunk, attempt, function_name, logged_at, level, event, line
      FROM numbered
      WHERE position <= ${linesPerInvocation}
      ORDER BY ordinal
      RETURNING 1
    )
    SELECT count(*)::int AS stored FROM inserted`);
}
