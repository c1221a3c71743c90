import type { DatasetChangePreview } from '#metadata/catalog/previewMetadataChanges.ts';

const ADVICE = { none: '', replay_recommended: ' — a replay is the better path', replay_required: ' — replay required' } as const;

/** The lines `dp metadata sync` prints before it writes: per changed dataset, each change and what it does to silver. */
export function formatChangePreview(previews: readonly DatasetChangePreview[], shown: string): string[] {
  if (previews.length === 0) return [];
  const lines = [`${shown}: what the changed datasets' definitions do to silver`];
  for (const preview of previews) {
    lines.push(`  ${preview.source}.${preview.dataset} (${preview.table}${preview.hasHistory ? ' holds history' : ', no history yet'})`);
    for (const described of preview.changes) {
      lines.push(`    ${described.what}: ${described.effect}${ADVICE[described.advice]}`);
    }
    if (preview.replay !== null) {
      lines.push(`    → rebuild it from its raw files under the new metadata, after this sync: ${preview.replay} (docs/operations.md#replay)`);
    }
  }
  return lines;
}
