/**
 * A local S3-compatible server (gofakes3, built from the Go module proxy) for testing the object-store
 * raw driver where no MinIO can run. Each call starts its own process on the given port.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { PlatformError } from '#platform/errors.ts';
import type { Logger } from '#platform/log.ts';
import { buildGoLauncher } from './buildGoLauncher.ts';

export type LocalS3 = {
  readonly endpoint: string;
  readonly stop: () => Promise<void>;
};

export type LocalS3Options = {
  readonly dataDir: string;
  readonly port: number;
  readonly bucket: string;
  readonly log: Logger;
  /** When given, every request must carry a valid Signature Version 4 for this key pair (region us-east-1). Default: any request is served. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
};

/** Builds (if needed) and starts the S3 launcher on 127.0.0.1:`port` with objects in memory. */
export async function startLocalS3(options: LocalS3Options): Promise<LocalS3> {
  const binary = await buildGoLauncher('s3', options.dataDir, options.log);
  const keys = options.credentials === undefined ? [] : ['--access-key', options.credentials.accessKeyId, '--secret-key', options.credentials.secretAccessKey];
  const child = spawn(binary, ['--listen-addr', `127.0.0.1:${options.port}`, '--bucket', options.bucket, ...keys], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const endpoint = `http://127.0.0.1:${options.port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`${endpoint}/`, { signal: AbortSignal.timeout(500) });
      return {
        endpoint,
        stop: async () => {
          child.kill('SIGTERM');
          await new Promise((resolve) => child.once('exit', resolve));
        },
      };
    } catch {
      await sleep(100);
    }
  }
  child.kill('SIGKILL');
  throw new PlatformError('local.s3_failed', `The local S3 server did not start on port ${options.port}: ${stderr.trim()}`);
}
