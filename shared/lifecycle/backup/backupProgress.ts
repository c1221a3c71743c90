/** One progress line of a backup, restore or replay: the phase it belongs to and what happened. */
export type ProgressEvent = {
  readonly phase: 'postgres' | 'bronze' | 'raw' | 'manifest' | 'retention' | 'verify' | 'replay' | 'gold' | 'swap';
  readonly message: string;
};

/** Receives progress as it happens (the CLI prints it; the backup agent logs it). */
export type BackupProgress = (event: ProgressEvent) => void;
