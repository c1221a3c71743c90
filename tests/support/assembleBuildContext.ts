/**
 * Assembles a function's Docker build context the way faas-cli does (`build/<function>/`): the
 * template folder's files at the root, the handler folder's entries under `function/` (skipping
 * `build` and `template`), and every `configuration.copy` path under `function/<path>`.
 * Lets tests check the template's Dockerfile steps without Docker or faas-cli.
 */
import { cp, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';

import type { Stack } from '#tools/gateway/parseStack.ts';

export async function assembleBuildContext(stack: Stack, stackDir: string, name: string, contextDir: string): Promise<void> {
  const fn = stack.functions[name]!;
  await cp(path.join(stackDir, 'template', fn.lang!), contextDir, { recursive: true });
  const handlerDir = path.resolve(stackDir, fn.handler!);
  await mkdir(path.join(contextDir, 'function'), { recursive: true });
  for (const entry of await readdir(handlerDir)) {
    if (entry === 'build' || entry === 'template') continue;
    await cp(path.join(handlerDir, entry), path.join(contextDir, 'function', entry), { recursive: true });
  }
  for (const extra of stack.configuration.copy) {
    await cp(path.resolve(stackDir, extra), path.join(contextDir, 'function', extra), { recursive: true });
  }
}
