/**
 * The bronze load markers: one document per raw file fully loaded, in the collection
 * `_bronze_files` (a name no dataset can have, since dataset names start with a letter).
 * A file with a marker is skipped on reload; a file without one (a crash mid-file) is loaded
 * again, and its documents that already exist are skipped by their deterministic `_id`.
 */
import type { Db } from 'mongodb';

export const BRONZE_FILES_COLLECTION = '_bronze_files';

export type BronzeFileMarker = {
  /** The raw file key. */
  readonly _id: string;
  readonly source: string;
  readonly dataset: string;
  readonly run_id: string;
  readonly part: number;
  readonly records: number;
  readonly loaded_at: Date;
};

/** The marker collection of a bronze database (`name`: another marker collection, a replay's own). */
export function bronzeFiles(db: Db, name = BRONZE_FILES_COLLECTION) {
  return db.collection<BronzeFileMarker>(name);
}
