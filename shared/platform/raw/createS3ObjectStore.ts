import { createHash } from 'node:crypto';

import { AwsClient } from 'aws4fetch';

import { PlatformError, TransientError } from '../errors.ts';
import type { ObjectStore } from './objectStore.ts';
import { readS3ErrorCode, readS3ListPage } from './readS3Xml.ts';

export type S3ObjectStoreOptions = {
  /** Endpoint URL of the S3-compatible server, e.g. `http://minio:9000`. */
  readonly endpoint: string;
  readonly bucket: string;
  /** Key prefix inside the bucket (no leading slash). Default: none. */
  readonly prefix?: string;
  /** Signing region. Default: `us-east-1` (what MinIO and most self-hosted stores expect). */
  readonly region?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Per-request timeout in milliseconds. Default: 30000. */
  readonly timeoutMs?: number;
};

/** RFC 3986 encoding, the form Signature Version 4 signs; `/` kept in keys. */
function encode(value: string, keepSlash: boolean): string {
  const encoded = encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replaceAll('%2F', '/') : encoded;
}

/**
 * An object store over the S3 REST API (path-style addressing), for MinIO, Garage, SeaweedFS or AWS
 * itself: requests signed with Signature Version 4 by aws4fetch (the payload's SHA-256 signed too, not
 * `UNSIGNED-PAYLOAD`, since the store is usually reached over plain HTTP inside faasd), listings read with
 * an XML parser. Only the four calls the raw layer needs; no retries here — a 5xx, 429 or unreachable
 * store is a retryable error for the step's caller.
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const endpoint = new URL(options.endpoint);
  const prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  const client = new AwsClient({ accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, service: 's3', region: options.region ?? 'us-east-1', retries: 0 });

  const request = async (method: string, key: string | undefined, query: Record<string, string>, body?: Buffer): Promise<Response> => {
    const url = new URL(`/${encode(options.bucket, false)}${key === undefined ? '' : `/${encode(prefix + key, true)}`}`, endpoint.origin);
    url.search = Object.entries(query)
      .map(([name, value]) => `${encode(name, false)}=${encode(value, false)}`)
      .join('&');
    try {
      return await client.fetch(url, {
        method,
        headers: { 'x-amz-content-sha256': createHash('sha256').update(body ?? '').digest('hex') },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new TransientError('raw.s3_unreachable', `The object store at ${endpoint.origin} did not answer (${(error as Error).message}); check DP_S3_ENDPOINT.`, { cause: error });
    }
  };

  const fail = async (response: Response, action: string): Promise<never> => {
    const code = readS3ErrorCode(await response.text().catch(() => '')) ?? String(response.status);
    const message = `Object store refused ${action} with ${response.status} ${code}${code === 'NoSuchBucket' ? `: create bucket ${options.bucket} first` : ''}${code === 'SignatureDoesNotMatch' || code === 'InvalidAccessKeyId' ? ': check the DP_S3_ACCESS_KEY_ID and DP_S3_SECRET_ACCESS_KEY secrets and DP_S3_REGION' : ''}.`;
    if (response.status >= 500 || response.status === 429) {
      throw new TransientError('raw.s3_unavailable', message);
    }
    throw new PlatformError('raw.s3_refused', message, { context: { status: response.status, code } });
  };

  /** ListObjectsV2, every page: each key under the prefix with its size, sorted by key. */
  const listObjects = async (listPrefix: string): Promise<{ key: string; bytes: number }[]> => {
    const objects: { key: string; bytes: number }[] = [];
    let token: string | undefined;
    do {
      const query: Record<string, string> = { 'list-type': '2', prefix: prefix + listPrefix };
      if (token !== undefined) query['continuation-token'] = token;
      const response = await request('GET', undefined, query);
      if (!response.ok) return fail(response, `LIST ${listPrefix}`);
      const page = readS3ListPage(await response.text(), endpoint.origin);
      page.keys.forEach((key, index) => objects.push({ key: key.slice(prefix.length), bytes: page.sizes[index] ?? 0 }));
      token = page.nextToken;
    } while (token !== undefined);
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };

  return {
    location: `s3://${options.bucket}/${prefix}`,

    get: async (key) => {
      const response = await request('GET', key, {});
      if (response.status === 404) {
        await response.body?.cancel();
        return undefined;
      }
      if (!response.ok) return fail(response, `GET ${key}`);
      return Buffer.from(await response.arrayBuffer());
    },

    put: async (key, body) => {
      const response = await request('PUT', key, {}, body);
      if (!response.ok) return fail(response, `PUT ${key}`);
      await response.body?.cancel();
    },

    list: async (listPrefix) => (await listObjects(listPrefix)).map((object) => object.key),

    listSizes: (listPrefix) => listObjects(listPrefix),

    delete: async (keys) => {
      for (const key of keys) {
        const response = await request('DELETE', key, {});
        if (!response.ok && response.status !== 404) return fail(response, `DELETE ${key}`);
        await response.body?.cancel();
      }
    },
  };
}
