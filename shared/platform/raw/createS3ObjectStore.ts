import { createHash } from 'node:crypto';

import { AwsClient } from 'aws4fetch';

import { PlatformError, TransientError } from '../errors.ts';
import { objectGone, type ObjectStore } from './objectStore.ts';
import { readS3ErrorCode, readS3ListPage, readS3UploadId } from './readS3Xml.ts';

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

/** Size of the parts of a multipart upload (`putStream`): above S3's 5 MiB minimum, and what memory holds. */
const PART_BYTES = 8 * 1024 * 1024;

/** RFC 3986 encoding, the form Signature Version 4 signs; `/` kept in keys. */
function encode(value: string, keepSlash: boolean): string {
  const encoded = encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replaceAll('%2F', '/') : encoded;
}

/**
 * An object store over the S3 REST API (path-style addressing), for MinIO, Garage, SeaweedFS or AWS
 * itself: requests signed with Signature Version 4 by aws4fetch (the payload's SHA-256 signed too, not
 * `UNSIGNED-PAYLOAD`, since the store is usually reached over plain HTTP inside faasd), listings read with
 * an XML parser. Only the calls the raw layer and the files inbox need (ranged GETs, multipart uploads for large objects); no retries here — a 5xx, 429 or unreachable
 * store is a retryable error for the step's caller.
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const endpoint = new URL(options.endpoint);
  const prefix = options.prefix ? `${options.prefix.replace(/^\/+|\/+$/g, '')}/` : '';
  const client = new AwsClient({ accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey, service: 's3', region: options.region ?? 'us-east-1', retries: 0 });

  const request = async (method: string, key: string | undefined, query: Record<string, string>, body?: Buffer, headers: Record<string, string> = {}): Promise<Response> => {
    const url = new URL(`/${encode(options.bucket, false)}${key === undefined ? '' : `/${encode(prefix + key, true)}`}`, endpoint.origin);
    url.search = Object.entries(query)
      .map(([name, value]) => `${encode(name, false)}=${encode(value, false)}`)
      .join('&');
    try {
      return await client.fetch(url, {
        method,
        headers: { ...headers, 'x-amz-content-sha256': createHash('sha256').update(body ?? '').digest('hex') },
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

  /**
   * A multipart upload of `chunks` in parts of PART_BYTES (each part signed with its own hash, so memory holds one
   * part); a body that fits in one part is one PUT. An upload that fails half-way is aborted.
   */
  const putStream = async (key: string, chunks: AsyncIterable<Buffer>): Promise<void> => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let uploadId: string | undefined;
    const parts: string[] = [];
    const take = (): Buffer => {
      const body = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      return body;
    };
    const uploadPart = async (body: Buffer): Promise<void> => {
      if (uploadId === undefined) {
        const created = await request('POST', key, { uploads: '' });
        if (!created.ok) return fail(created, `CreateMultipartUpload ${key}`);
        uploadId = readS3UploadId(await created.text(), endpoint.origin);
      }
      const response = await request('PUT', key, { partNumber: String(parts.length + 1), uploadId }, body);
      if (!response.ok) return fail(response, `UploadPart ${parts.length + 1} of ${key}`);
      await response.body?.cancel();
      parts.push(response.headers.get('etag') ?? '');
    };
    try {
      for await (const chunk of chunks) {
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes >= PART_BYTES) await uploadPart(take());
      }
      if (uploadId === undefined) {
        const response = await request('PUT', key, {}, take());
        if (!response.ok) return fail(response, `PUT ${key}`);
        await response.body?.cancel();
        return;
      }
      if (pendingBytes > 0) await uploadPart(take());
      const list = parts.map((etag, index) => `<Part><PartNumber>${index + 1}</PartNumber><ETag>${etag.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}</ETag></Part>`).join('');
      const completed = await request('POST', key, { uploadId }, Buffer.from(`<CompleteMultipartUpload>${list}</CompleteMultipartUpload>`));
      const answer = await completed.text();
      // S3 can answer 200 and put the error in the body
      if (!completed.ok || readS3ErrorCode(answer) !== undefined) return fail(new Response(answer, { status: completed.ok ? 500 : completed.status }), `CompleteMultipartUpload ${key}`);
      uploadId = undefined;
    } finally {
      if (uploadId !== undefined) {
        await request('DELETE', key, { uploadId })
          .then((response) => response.body?.cancel())
          .catch(() => undefined);
      }
    }
  };

  /**
   * CopyObject: the server copies the object, none of it passes through the process. The source is an `s3://` location
   * on this store's endpoint (the platform has one, DP_S3_ENDPOINT); an object S3 will not copy in one request (over
   * 5 GiB) resolves false, so the caller streams it.
   */
  const copyFrom = async (sourceLocation: string, sourceKey: string, key: string): Promise<boolean> => {
    const source = /^s3:\/\/([^/]+)\/(.*)$/.exec(sourceLocation);
    if (source === null) return false;
    const [, bucket = '', sourcePrefix = ''] = source;
    const response = await request('PUT', key, {}, undefined, { 'x-amz-copy-source': `/${encode(bucket, false)}/${encode(sourcePrefix + sourceKey, true)}` });
    const answer = await response.text();
    const code = readS3ErrorCode(answer);
    if (code === 'NoSuchKey') throw objectGone(`${sourceLocation}${sourceKey}`, sourceKey);
    if (code === 'InvalidRequest' || code === 'EntityTooLarge') return false;
    // S3 can answer 200 and put the error in the body
    if (!response.ok || code !== undefined) return fail(new Response(answer, { status: response.ok ? 500 : response.status }), `CopyObject ${sourceLocation}${sourceKey} to ${key}`);
    return true;
  };

  return {
    location: `s3://${options.bucket}/${prefix}`,

    copyFrom,

    head: async (key) => {
      const response = await request('HEAD', key, {});
      await response.body?.cancel();
      if (response.status === 404) return undefined;
      if (!response.ok) return fail(response, `HEAD ${key}`);
      return { bytes: Number(response.headers.get('content-length') ?? 0), version: response.headers.get('etag') ?? response.headers.get('last-modified') ?? '' };
    },

    getRange: async (key, start, length) => {
      if (length <= 0) return Buffer.alloc(0);
      const response = await request('GET', key, {}, undefined, { range: `bytes=${start}-${start + length - 1}` });
      if (response.status === 404 || response.status === 416) {
        await response.body?.cancel();
        // 416: the range starts at or past the end (or the object is empty)
        return response.status === 404 ? undefined : Buffer.alloc(0);
      }
      if (!response.ok) return fail(response, `GET ${key} (bytes ${start}-${start + length - 1})`);
      const bytes = Buffer.from(await response.arrayBuffer());
      // a server that ignores Range answers 200 with the whole object
      return response.status === 206 ? bytes : bytes.subarray(start, start + length);
    },

    putStream,

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
