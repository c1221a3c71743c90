import { createExtractRunner } from './createExtractRunner.ts';

/** Imports the export files waiting in the source's inbox into raw parts (files connector); see createExtractRunner. */
export const runFilesExtract = createExtractRunner('files');
