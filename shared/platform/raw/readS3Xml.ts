import { parseXml, XmlElement } from '@rgrove/parse-xml';
import { z } from 'zod';

import { PlatformError } from '../errors.ts';

/** One page of a ListObjectsV2 answer: the keys (with their sizes), and the token of the next page when there is one. */
export type S3ListPage = { readonly keys: readonly string[]; readonly sizes: readonly number[]; readonly nextToken: string | undefined };

const listPageSchema = z
  .object({
    root: z.literal('ListBucketResult'),
    keys: z.array(z.string()),
    sizes: z.array(z.coerce.number().int().nonnegative()),
    isTruncated: z.enum(['true', 'false']),
    nextToken: z.string().min(1).optional(),
  })
  .refine((page) => page.isTruncated === 'false' || page.nextToken !== undefined, { message: 'is truncated but has no NextContinuationToken' });

function parse(xml: string): XmlElement | undefined {
  try {
    return parseXml(xml).root ?? undefined;
  } catch {
    return undefined;
  }
}

const childElements = (element: XmlElement, name: string): XmlElement[] => element.children.filter((child): child is XmlElement => child instanceof XmlElement && child.name === name);

const childText = (element: XmlElement, name: string): string | undefined => childElements(element, name)[0]?.text;

/** Reads a ListObjectsV2 answer (every entity decoded, keys exactly as stored); an answer of any other shape is an error naming the endpoint. */
export function readS3ListPage(xml: string, endpoint: string): S3ListPage {
  const root = parse(xml);
  const page = listPageSchema.safeParse(
    root === undefined
      ? {}
      : {
          root: root.name,
          keys: childElements(root, 'Contents').map((contents) => childText(contents, 'Key')),
          sizes: childElements(root, 'Contents').map((contents) => childText(contents, 'Size') ?? '0'),
          isTruncated: childText(root, 'IsTruncated'),
          nextToken: childText(root, 'NextContinuationToken'),
        },
  );
  if (!page.success) {
    throw new PlatformError('raw.s3_bad_answer', `The object store at ${endpoint} answered a listing that is not a ListObjectsV2 result (${z.prettifyError(page.error).replaceAll('\n', ' ')}); check that DP_S3_ENDPOINT is an S3-compatible server.`, {
      context: { endpoint, body: xml.slice(0, 200) },
    });
  }
  return { keys: page.data.keys, sizes: page.data.sizes, nextToken: page.data.isTruncated === 'true' ? page.data.nextToken : undefined };
}

/** The `<Code>` of an S3 error answer (`NoSuchBucket`, `SignatureDoesNotMatch`…), or undefined when the body is not one. */
export function readS3ErrorCode(xml: string): string | undefined {
  const root = parse(xml);
  return root?.name === 'Error' ? childText(root, 'Code') : undefined;
}

/** The `<UploadId>` of a CreateMultipartUpload answer; any other answer is an error naming the endpoint. */
export function readS3UploadId(xml: string, endpoint: string): string {
  const root = parse(xml);
  const id = root?.name === 'InitiateMultipartUploadResult' ? childText(root, 'UploadId') : undefined;
  if (id === undefined || id === '') {
    throw new PlatformError('raw.s3_bad_answer', `The object store at ${endpoint} answered a multipart upload request without an UploadId; check that DP_S3_ENDPOINT is an S3-compatible server.`, { context: { endpoint, body: xml.slice(0, 200) } });
  }
  return id;
}
