import { MetadataValidationError } from './metadataIssue.ts';
import { readMetadataFolder } from './readMetadataFolder.ts';
import type { MetadataSet } from './schema.ts';
import { validateMetadata, type ValidateMetadataOptions } from './validateMetadata.ts';

/**
 * Reads and validates a metadata folder (`<source>.yml` files, `gold/*.yml` and their SQL) and returns the
 * parsed, frozen metadata; throws a MetadataValidationError listing every issue when anything is wrong.
 */
export async function loadMetadata(directory: string, options: ValidateMetadataOptions = {}): Promise<MetadataSet> {
  const validation = validateMetadata(await readMetadataFolder(directory), options);
  if (validation.metadata === undefined) {
    throw new MetadataValidationError(directory, validation.issues);
  }
  return validation.metadata;
}
