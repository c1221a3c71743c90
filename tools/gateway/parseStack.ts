/**
 * The OpenFaaS stack file (stack.yml) as the local gateway and the stack checks read it: the
 * fields faas-cli understands, parsed with zod so a typo (`anotations`) is an error naming the
 * file and the path instead of a silently ignored key.
 */
import { parse } from 'yaml';
import { z } from 'zod';

import { ConfigError } from '#platform/errors.ts';
import { formatIssues } from '#platform/function/parseInput.ts';

/** OpenFaaS function names: lower-case DNS labels. */
export const FUNCTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const resources = z.strictObject({ memory: z.string().optional(), cpu: z.string().optional() });

export const stackFunctionSchema = z.strictObject({
  lang: z.string().min(1).optional(),
  handler: z.string().min(1).optional(),
  image: z.string().min(1, { message: 'is required (faas-cli tags the built image with it)' }),
  fprocess: z.string().optional(),
  environment: z.record(z.string(), scalar).default({}),
  environment_file: z.array(z.string()).optional(),
  secrets: z.array(z.string()).default([]),
  annotations: z.record(z.string(), scalar).default({}),
  labels: z.record(z.string(), scalar).default({}),
  limits: resources.optional(),
  requests: resources.optional(),
  constraints: z.array(z.string()).optional(),
  skip_build: z.boolean().optional(),
  build_args: z.record(z.string(), scalar).optional(),
  build_options: z.array(z.string()).optional(),
  build_secrets: z.record(z.string(), z.string()).optional(),
  readonly_root_filesystem: z.boolean().optional(),
  namespace: z.string().optional(),
  platforms: z.string().optional(),
});
export type StackFunction = z.output<typeof stackFunctionSchema>;

export const stackSchema = z
  .object({
    version: scalar.optional(),
    provider: z.strictObject({
      name: z.string(),
      gateway: z.string().optional(),
    }),
    configuration: z
      .strictObject({
        templates: z.array(z.unknown()).optional(),
        copy: z.array(z.string()).default([]),
      })
      .default({ copy: [] }),
    functions: z.record(z.string(), stackFunctionSchema).superRefine((functions, context) => {
      for (const name of Object.keys(functions)) {
        if (!FUNCTION_NAME.test(name)) {
          context.addIssue({ code: 'custom', path: [name], message: 'is not a function name (lower-case letters, digits and -, as OpenFaaS requires)' });
        }
      }
    }),
  })
  // faas-cli ignores other top-level keys; `x-…` keys hold YAML anchors (shared environment).
  .catchall(z.unknown());
export type Stack = z.output<typeof stackSchema>;

/** Parses the text of a stack file; `file` names it in errors. YAML merge keys (`<<: *anchor`) are honoured, as faas-cli does. */
export function parseStack(text: string, file: string): Stack {
  let document: unknown;
  try {
    document = parse(text, { merge: true });
  } catch (error) {
    throw new ConfigError('stack.invalid_yaml', `${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}.`, { cause: error, context: { file } });
  }
  const result = stackSchema.safeParse(document);
  if (!result.success) {
    const issues = formatIssues(result.error.issues);
    throw new ConfigError('stack.invalid', `${file} does not match the OpenFaaS stack schema: ${issues.join('; ')}.`, { context: { file, issues } });
  }
  return result.data;
}
