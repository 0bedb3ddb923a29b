import type { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { InputError } from '../input/errors';
import type { InputSource } from '../input/sources';

/** `s3://bucket/prefix` split into its parts, or undefined for anything else. */
export function parseS3Url(text: string): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  return match ? { bucket: match[1], prefix: match[2] } : undefined;
}

/**
 * Every object under an S3 prefix, in key order, as input sources (each read when its turn comes, gzipped
 * or not). Pages with StartAfter, which S3 and s3rver both honour.
 * @throws InputError when nothing is there.
 */
export async function s3Sources(s3: S3Client, url: string): Promise<InputSource[]> {
  const { bucket, prefix } = parseS3Url(url) ?? { bucket: '', prefix: '' };
  const sources: InputSource[] = [];
  let startAfter: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, StartAfter: startAfter }));
    const objects = (page.Contents ?? []).filter((o) => o.Key && !o.Key.endsWith('/'));
    for (const o of objects) {
      const key = o.Key!;
      sources.push({
        name: `s3://${bucket}/${key}`,
        bytes: o.Size ?? 0,
        open: async () => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body as Readable,
      });
    }
    if (!page.IsTruncated || objects.length === 0) break;
    startAfter = objects[objects.length - 1].Key;
  }
  if (sources.length === 0) throw new InputError(`no objects under ${url}: check the bucket and prefix`);
  return sources;
}
