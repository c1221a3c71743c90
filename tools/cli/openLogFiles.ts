import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';

export type LogFiles = {
  /** The folder the files are in. */
  readonly dir: string;
  /** Appends one line to `<dir>/<name>.log`. */
  readonly write: (name: string, line: string) => void;
  /** Flushes and closes every file. */
  readonly close: () => Promise<void>;
};

/**
 * One append-only log file per function (and for the gateway and the services) under `dir`, what `dp up`
 * writes instead of filling the terminal; `--verbose` streams the same lines to the terminal instead.
 */
export function openLogFiles(dir: string): LogFiles {
  mkdirSync(dir, { recursive: true });
  const streams = new Map<string, WriteStream>();
  return {
    dir,
    write: (name, line) => {
      let stream = streams.get(name);
      if (stream === undefined) {
        stream = createWriteStream(path.join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.log`), { flags: 'a' });
        streams.set(name, stream);
      }
      stream.write(`${line}\n`);
    },
    close: async () => {
      await Promise.all([...streams.values()].map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
      streams.clear();
    },
  };
}
