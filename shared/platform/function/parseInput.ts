import { z } from 'zod';

import { ValidationError } from '../errors.ts';

/** Formats zod issues as `path: message` items, `(body)` for the root. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => `${issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.')}: ${issue.message}`);
}

/**
 * Parses untrusted input (an HTTP body, query, headers) with a zod schema; anything that does not
 * match becomes a ValidationError (400) whose message names `where`, every bad field and `hint`.
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown, where: string, hint?: string): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) {
    return result.data;
  }
  const issues = formatIssues(result.error.issues);
  throw new ValidationError('request.invalid', `${where} is invalid: ${issues.join('; ')}.${hint === undefined ? '' : ` ${hint}`}`, { context: { issues } });
}
