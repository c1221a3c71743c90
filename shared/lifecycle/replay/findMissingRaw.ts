import { rawRunPrefix, type RawRunRef, type RawStore } from '#platform/raw/rawStore.ts';
import type { MergedRun } from '#pipeline/runStore/listMergedRuns.ts';

/** A run whose raw files are not all there any more. */
export type MissingRaw = {
  readonly runId: string;
  /** The run's raw folder (`raw/<source>/<dataset>/<yyyy>/<mm>/<dd>/<run>/`). */
  readonly folder: string;
  /** Missing parts the run's manifest names; empty when the whole folder is gone. */
  readonly parts: readonly string[];
};

/** The raw reference of a run: its folders come from its creation time. */
export const rawRunOf = (source: string, dataset: string, run: MergedRun): RawRunRef => ({ source, dataset, runId: run.runId, startedAt: run.createdAt });

/** The part keys a replay reads for a run: its manifest's when the run completed, else those present. */
export async function replayPartKeys(rawStore: RawStore, raw: RawRunRef): Promise<readonly { readonly key: string; readonly part: number }[]> {
  const manifest = await rawStore.readManifest(raw);
  if (manifest?.complete === true) return [...manifest.parts].sort((a, b) => a.part - b.part).map((part) => ({ key: part.key, part: part.part }));
  return (await rawStore.listPartKeys(raw)).map((key) => ({ key, part: Number(/part-(\d{5})\.json$/.exec(key)?.[1]) }));
}

/** The runs among `runs` whose raw parts (as their manifest lists them) are not all in the raw store. */
export async function findMissingRaw(rawStore: RawStore, source: string, dataset: string, runs: readonly MergedRun[]): Promise<MissingRaw[]> {
  const missing: MissingRaw[] = [];
  for (const run of runs) {
    const raw = rawRunOf(source, dataset, run);
    const present = new Set(await rawStore.listPartKeys(raw));
    const manifest = await rawStore.readManifest(raw);
    if (manifest === null && present.size === 0) {
      missing.push({ runId: run.runId, folder: `${rawRunPrefix(raw)}/`, parts: [] });
      continue;
    }
    const absent = (manifest?.parts ?? []).map((part) => part.key).filter((key) => !present.has(key));
    if (absent.length > 0) missing.push({ runId: run.runId, folder: `${rawRunPrefix(raw)}/`, parts: absent });
  }
  return missing;
}
