/** A FIFO of jobs run at most `concurrency` at a time. */
export type AsyncQueue = {
  readonly enqueue: (job: () => Promise<void>) => void;
  /** Jobs waiting (not counting those running). */
  readonly waiting: () => number;
  /** Resolves when no job waits or runs. */
  readonly idle: () => Promise<void>;
};

/**
 * Creates the local gateway's async queue. Like the CE queue-worker it runs one job at a time by
 * default, in arrival order, and never retries: a job that throws is reported to `onError` and dropped.
 */
export function createAsyncQueue(concurrency: number, onError: (error: unknown) => void): AsyncQueue {
  const jobs: Array<() => Promise<void>> = [];
  let running = 0;
  let waiters: Array<() => void> = [];
  const settle = (): void => {
    if (running === 0 && jobs.length === 0) {
      const release = waiters;
      waiters = [];
      for (const resolve of release) resolve();
    }
  };
  const pump = (): void => {
    while (running < concurrency && jobs.length > 0) {
      const job = jobs.shift()!;
      running += 1;
      void job()
        .catch(onError)
        .finally(() => {
          running -= 1;
          pump();
          settle();
        });
    }
  };
  return {
    enqueue: (job) => {
      jobs.push(job);
      pump();
    },
    waiting: () => jobs.length,
    idle: () => (running === 0 && jobs.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}
