import { test } from 'uvu';
import * as assert from 'uvu/assert';

import { PlatformError } from '#platform/errors.ts';
import { readS3ErrorCode, readS3ListPage } from '#platform/raw/readS3Xml.ts';

const page = (body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>raw</Name>${body}</ListBucketResult>`;

test('keys come back exactly as stored: entities and character references decoded, spaces and leading zeros kept', () => {
  const xml = page('<IsTruncated>false</IsTruncated><Contents><Key>raw/it&#39;s &amp; &lt;x&gt;.json</Key><Size>2</Size></Contents><Contents><Key> 00123 </Key></Contents>');
  assert.equal(readS3ListPage(xml, 'http://s3'), { keys: ["raw/it's & <x>.json", ' 00123 '], sizes: [2, 0], nextToken: undefined });
});

test('a truncated page gives the token of the next one; an empty page has no keys', () => {
  assert.equal(readS3ListPage(page('<IsTruncated>true</IsTruncated><Contents><Key>a</Key></Contents><NextContinuationToken>t&amp;1</NextContinuationToken>'), 'http://s3'), { keys: ['a'], sizes: [0], nextToken: 't&1' });
  assert.equal(readS3ListPage(page('<KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>'), 'http://s3'), { keys: [], sizes: [], nextToken: undefined });
});

test('an answer that is not a listing is an error naming the endpoint, not an empty list', () => {
  for (const body of ['<html><body>Bad gateway</body></html>', 'not xml at all', page('<IsTruncated>true</IsTruncated><Contents><Key>a</Key></Contents>'), page('<Contents><Key>a</Key></Contents>')]) {
    try {
      readS3ListPage(body, 'http://seaweedfs:8333');
      assert.unreachable(body);
    } catch (error) {
      assert.instance(error, PlatformError, body);
      assert.is((error as PlatformError).code, 'raw.s3_bad_answer');
      assert.match((error as Error).message, 'http://seaweedfs:8333');
    }
  }
});

test('the code of an S3 error answer, when there is one', () => {
  assert.is(readS3ErrorCode('<?xml version="1.0"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>'), 'NoSuchBucket');
  assert.is(readS3ErrorCode('<html>502</html>'), undefined);
  assert.is(readS3ErrorCode(''), undefined);
});

test.run();
