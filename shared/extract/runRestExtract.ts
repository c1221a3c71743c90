import { createExtractRunner } from './createExtractRunner.ts';

/** Pages through a REST API described by metadata and writes raw parts (declarative rest connector); see createExtractRunner. */
export const runRestExtract = createExtractRunner('rest');
