import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { ConfigError } from '#platform/errors.ts';
import { parseStack, type Stack } from './parseStack.ts';
import { validateStack } from './validateStack.ts';

export type LoadedStack = {
  readonly stack: Stack;
  /** Absolute path of the stack file. */
  readonly file: string;
  /** The folder handler paths are relative to. */
  readonly dir: string;
};

/** Reads, parses and validates a stack file; every problem is listed in one ConfigError. */
export async function loadStack(file: string, options: { readonly templateDir?: string; readonly checkBuild?: boolean } = {}): Promise<LoadedStack> {
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ConfigError('stack.unreadable', `The stack file ${absolute} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); pass --stack=<file> or set DP_STACK_FILE.`, { cause: error, context: { file: absolute } });
  }
  const stack = parseStack(text, absolute);
  const dir = path.dirname(absolute);
  const problems = validateStack(stack, { stackDir: dir, templateDir: options.templateDir, checkBuild: options.checkBuild });
  if (problems.length > 0) {
    throw new ConfigError('stack.invalid', `${absolute} breaks ${problems.length} OpenFaaS rule(s):\n- ${problems.join('\n- ')}`, { context: { file: absolute, problems } });
  }
  return { stack, file: absolute, dir };
}
