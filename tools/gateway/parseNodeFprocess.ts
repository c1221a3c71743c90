/** What the node24-ts template runs when a function's stack entry sets no `fprocess` (template/node24-ts/template.yml). */
export const TEMPLATE_FPROCESS = 'node index.ts';

/**
 * The Node options of a node24-ts function's `fprocess` (stack.yml), which of-watchdog runs in place of the
 * template's `node index.ts`: `node --liftoff-only index.ts` gives `['--liftoff-only']`, no `fprocess` gives `[]`.
 * The local gateway starts the function's process with them, as the container does. Anything but the
 * template's entrypoint with options (`--name` or `--name=value`) before it is a string naming the problem.
 */
export function parseNodeFprocess(fprocess: string | undefined): readonly string[] | string {
  if (fprocess === undefined) return [];
  const words = fprocess.trim().split(/\s+/);
  const options = words.slice(1, -1);
  if (words.length < 2 || words[0] !== 'node' || words.at(-1) !== 'index.ts' || options.some((word) => !/^--[a-z0-9][-a-z0-9_]*(=\S+)?$/i.test(word))) {
    return `fprocess is ${JSON.stringify(fprocess)}; a node24-ts function runs the template's entrypoint, so write \`node [--option …] index.ts\` (e.g. \`node --liftoff-only index.ts\`) or leave fprocess out for \`${TEMPLATE_FPROCESS}\`.`;
  }
  return options;
}
