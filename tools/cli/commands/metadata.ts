import path from 'node:path';

import { withPool } from '#platform/db/createPool.ts';
import { migrateDatabase } from '#platform/db/migrate.ts';
import { getEnv } from '#platform/env.ts';
import { syncMetadataAgainstSilver, type SilverSyncResult } from '#silver/syncMetadataAgainstSilver.ts';
import { previewMetadataChanges } from '#metadata/catalog/previewMetadataChanges.ts';
import { connectorSettings } from '#metadata/connectorSettings.ts';
import { formatMetadataIssues } from '#metadata/formatMetadataIssues.ts';
import { readMetadataFolder } from '#metadata/readMetadataFolder.ts';
import { validateMetadata, type MetadataValidation } from '#metadata/validateMetadata.ts';
import { parseArgs, type Command, type CommandIo } from '../command.ts';
import { formatChangePreview } from '../formatChangePreview.ts';

const USAGE = [
  'dp metadata validate [dir] [--json]   check every source and gold model file; exit 1 on any error',
  'dp metadata sync [dir] [--json] [--dry-run] [--allow-retype]',
  '                                      migrate, validate, say what the changes do to silver (and which',
  '                                      `dp replay` a change calls for), then write the metadata into the catalog;',
  '                                      --dry-run says it and writes nothing; a column retyped against its silver',
  '                                      table is refused unless --allow-retype (then `dp replay <source>.<dataset>`)',
  '',
  'dir defaults to DP_METADATA_DIR (the project\'s metadata/ folder). See docs/metadata.md.',
];

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;

/** The folder to read, and how to show it: as typed, or relative to where the command runs. */
function resolveFolder(argument: string | undefined): { directory: string; shown: string } {
  if (argument !== undefined) {
    return { directory: path.resolve(argument), shown: argument.replace(/[\\/]+$/, '') || argument };
  }
  const directory = getEnv().metadataDir;
  return { directory, shown: path.relative(process.cwd(), directory) || '.' };
}

function summarise(validation: MetadataValidation, shown: string) {
  const errors = validation.issues.filter((issue) => issue.severity === 'error');
  const metadata = validation.metadata;
  return {
    ok: metadata !== undefined,
    directory: shown,
    hash: metadata?.hash ?? null,
    sources: metadata?.sources.length ?? 0,
    datasets: metadata?.sources.reduce((sum, source) => sum + source.datasets.length, 0) ?? 0,
    models: metadata?.models.length ?? 0,
    errors: errors.length,
    warnings: validation.issues.length - errors.length,
    files: new Set(errors.map((issue) => issue.file)).size,
    issues: validation.issues,
  };
}

/** Prints the issues and a one-line verdict; returns whether the metadata is usable. */
function report(validation: MetadataValidation, shown: string, io: CommandIo, failureNote: string): boolean {
  const summary = summarise(validation, shown);
  for (const line of formatMetadataIssues(validation.issues, shown)) {
    io.out(line);
  }
  const warnings = summary.warnings > 0 ? ` (${plural(summary.warnings, 'warning')})` : '';
  if (!summary.ok) {
    io.out(`${shown}: ${plural(summary.errors, 'error')} in ${plural(summary.files, 'file')}${warnings}; ${failureNote}`);
    return false;
  }
  io.out(`${shown}: valid — ${plural(summary.sources, 'source')}, ${plural(summary.datasets, 'dataset')}, ${plural(summary.models, 'gold model')}${warnings}; hash ${summary.hash?.slice(0, 12)}`);
  return true;
}

function describeSync(result: SilverSyncResult, shown: string): string[] {
  if (!result.created) {
    return [`${shown}: unchanged — metadata version ${result.versionId} (hash ${result.hash.slice(0, 12)}) is current; nothing written`];
  }
  const lines = [`${shown}: synced as metadata version ${result.versionId} (hash ${result.hash.slice(0, 12)})`];
  for (const [kind, changes] of [['sources', result.sources], ['datasets', result.datasets], ['models', result.models]] as const) {
    for (const [what, names] of Object.entries(changes)) {
      if (names.length > 0) {
        const note = what === 'retired' && kind !== 'sources' ? ' (tables and history kept)' : '';
        lines.push(`  ${`${kind} ${what}:`.padEnd(19)} ${names.join(', ')}${note}`);
      }
    }
  }
  for (const retype of result.retypes) {
    lines.push(`  ${'column retyped:'.padEnd(19)} ${retype.source}.${retype.dataset}.${retype.column} ${retype.silverType} → ${retype.declaredType}; ${retype.table} keeps ${retype.silverType} and its loads are refused until \`dp replay ${retype.source}.${retype.dataset}\` rebuilds it`);
  }
  return lines;
}

async function run(args: readonly string[], io: CommandIo): Promise<number> {
  const { positional, flags } = parseArgs(args);
  const [action, folder, ...extra] = positional;
  const unknownFlags = [...flags.keys()].filter((flag) => flag !== 'json' && !((flag === 'dry-run' || flag === 'allow-retype') && action === 'sync'));
  if ((action !== 'validate' && action !== 'sync') || extra.length > 0 || unknownFlags.length > 0) {
    io.err(unknownFlags.length > 0 ? `dp metadata: unknown option --${unknownFlags[0]}` : `dp metadata: ${action === undefined ? 'missing' : `unknown`} action${action === undefined ? '' : ` \`${action}\``}`);
    io.err(USAGE.join('\n'));
    return 2;
  }
  const json = flags.has('json');
  const { directory, shown } = resolveFolder(folder);
  const validation = validateMetadata(await readMetadataFolder(directory), { connectors: connectorSettings });

  if (action === 'validate') {
    if (json) {
      io.out(JSON.stringify(summarise(validation, shown), null, 2));
      return validation.metadata === undefined ? 1 : 0;
    }
    return report(validation, shown, io, 'fix them and run `dp metadata validate` again') ? 0 : 1;
  }

  const metadata = validation.metadata;
  if (metadata === undefined) {
    if (json) {
      io.out(JSON.stringify({ ...summarise(validation, shown), synced: false }, null, 2));
    } else {
      report(validation, shown, io, 'nothing was synced');
    }
    return 1;
  }
  const url = getEnv().databaseUrl;
  await migrateDatabase({ url, onApplied: (name) => io.err(`applied migration ${name}`) });
  const dryRun = flags.has('dry-run');
  // What the changes do to silver is said before anything is written: a sync that is then refused has said why.
  const { changes, result } = await withPool(
    async (pool) => {
      const previews = await previewMetadataChanges(pool, metadata);
      if (!json) {
        for (const line of formatMetadataIssues(validation.issues, shown)) io.out(line);
        for (const line of formatChangePreview(previews, shown)) io.out(line);
      }
      return { changes: previews, result: dryRun ? null : await syncMetadataAgainstSilver(pool, metadata, { allowRetypes: flags.has('allow-retype') }) };
    },
    { url },
  );
  if (json) {
    io.out(JSON.stringify({ ...summarise(validation, shown), synced: result !== null, changes, ...(result ?? {}) }, null, 2));
    return 0;
  }
  if (result === null) {
    io.out(`${shown}: dry run — nothing written${changes.length === 0 ? '; no dataset already in the catalog changes' : ''}`);
    return 0;
  }
  for (const line of describeSync(result, shown)) {
    io.out(line);
  }
  return 0;
}

export const metadataCommand: Command = {
  summary: 'validate the metadata folder, or sync it into the Postgres catalog',
  usage: USAGE,
  run,
};
