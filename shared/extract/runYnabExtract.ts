import { createExtractRunner } from './createExtractRunner.ts';

/** Extracts YNAB data (delta through server_knowledge) into raw parts (ynab connector); see createExtractRunner. */
export const runYnabExtract = createExtractRunner('ynab');
