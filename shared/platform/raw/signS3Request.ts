import { createHash, createHmac } from 'node:crypto';

export type S3SigningInput = {
  readonly method: string;
  /** Canonical URI: the encoded path, `/` kept. */
  readonly path: string;
  /** Canonical query string: encoded `name=value` pairs sorted by name, joined with `&`. */
  readonly query: string;
  /** Headers to sign, names in lower case; must include `host`, `x-amz-date` and `x-amz-content-sha256`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
};

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** Computes the AWS Signature Version 4 `Authorization` header of an S3 request. */
export function signS3Request(input: S3SigningInput): string {
  const amzDate = input.headers['x-amz-date'] ?? '';
  const day = amzDate.slice(0, 8);
  const names = Object.keys(input.headers).sort();
  const canonicalRequest = [
    input.method,
    input.path,
    input.query,
    ...names.map((name) => `${name}:${(input.headers[name] ?? '').trim()}`),
    '',
    names.join(';'),
    input.headers['x-amz-content-sha256'] ?? '',
  ].join('\n');
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}
