import type { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { listObjects } from '../bucket';
import { InputError } from '../input/errors';
import type { InputSource } from '../input/sources';

/** `s3://bucket/prefix` split into its parts, or undefined for anything else. */
export function parseS3Url(text: string): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  return match ? { bucket: match[1], prefix: match[2] } : undefined;
}

/**
 * Every object under an S3 prefix, in key order, as input sources (each read when its turn comes, gzipped
 * or not). Listed as `listObjects` lists (ListObjects with a marker, which S3 and s3rver both serve).
 * @throws InputError when nothing is there.
 */
export async function s3Sources(s3: S3Client, url: string): Promise<InputSource[]> {
  const { bucket, prefix } = parseS3Url(url) ?? { bucket: '', prefix: '' };
  const sources: InputSource[] = (await listObjects(s3, bucket, prefix))
    .filter((o) => !o.key.endsWith('/'))
    .map(({ key, size }) => ({
      name: `s3://${bucket}/${key}`,
      bytes: size,
      open: async () => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable,
    }));
  if (sources.length === 0) throw new InputError(`no objects under ${url}: check the bucket and prefix`);
  return sources;
}
