/**
 * console — the platform in a browser: runs and their steps and log lines, datasets with their history,
 * lineage and triggers, as server-rendered HTML behind basic auth. Pages: shared/console and docs/console.md.
 */
import { createConsoleFromEnv } from '#console/createConsoleFromEnv.ts';

export default createConsoleFromEnv();
