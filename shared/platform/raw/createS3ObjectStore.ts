import { createHash } from 'node:crypto';

import { PlatformError, TransientError } from '../errors.ts';
import type { ObjectStore } from './objectStore.ts';
import { signS3Request } from './signS3Request.ts';

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

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** RFC 3986 encoding as SigV4 wants it; `/` kept in paths. */
function encode(value: string, keepSlash: boolean): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(keepSlash ? /%2F/g : /$^/, '/');
}

function decodeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/**
 * An object store over the S3 REST API (path-style addressing, AWS Signature Version 4), for MinIO,
 * Garage, SeaweedFS or AWS itself. Only the five calls the raw layer needs, on Node's fetch.
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const endpoint = new URL(options.endpoint);
  const region = options.region ?? 'us-east-1';
  const prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';

  const request = async (method: string, key: string | undefined, query: Record<string, string>, body?: Buffer): Promise<Response> => {
    const path = `/${encode(options.bucket, false)}${key === undefined ? '' : `/${encode(prefix + key, true)}`}`;
    const canonicalQuery = Object.keys(query)
      .sort()
      .map((name) => `${encode(name, false)}=${encode(query[name] ?? '', false)}`)
      .join('&');
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const payloadHash = sha256Hex(body ?? '');
    const headers: Record<string, string> = { host: endpoint.host, 'x-amz-content-sha256': payloadHash, 'x-amz-date': amzDate };
    const authorization = signS3Request({ method, path, query: canonicalQuery, headers, region, accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey });
    const url = `${endpoint.origin}${path}${canonicalQuery ? `?${canonicalQuery}` : ''}`;
    const { host: _host, ...sent } = headers;
    try {
      return await fetch(url, {
        method,
        headers: { ...sent, authorization },
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new TransientError('raw.s3_unreachable', `The object store at ${endpoint.origin} did not answer (${(error as Error).message}); check DP_S3_ENDPOINT.`, { cause: error });
    }
  };

  const fail = async (response: Response, action: string): Promise<never> => {
    const text = await response.text().catch(() => '');
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? String(response.status);
    const message = `Object store refused ${action} with ${response.status} ${code}${code === 'NoSuchBucket' ? `: create bucket ${options.bucket} first` : ''}.`;
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
      const xml = await response.text();
      for (const contents of xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)) {
        const key = /<Key>([^<]*)<\/Key>/.exec(contents[1] ?? '')?.[1];
        if (key === undefined) continue;
        objects.push({ key: decodeXml(key).slice(prefix.length), bytes: Number(/<Size>(\d+)<\/Size>/.exec(contents[1] ?? '')?.[1] ?? 0) });
      }
      const truncated = /<IsTruncated>true<\/IsTruncated>/.test(xml);
      token = truncated ? decodeXml(/<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(xml)?.[1] ?? '') || undefined : undefined;
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

    listSizes: listObjects,

    delete: async (keys) => {
      for (const key of keys) {
        const response = await request('DELETE', key, {});
        if (!response.ok && response.status !== 404) return fail(response, `DELETE ${key}`);
        await response.body?.cancel();
      }
    },
  };
}
