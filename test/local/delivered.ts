import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Every file under `dir`, as paths relative to it (the S3 keys). */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path));
    }
  };
  walk(dir);
  return out.sort();
}

/** The delivered CTR lines (gunzipped, without their newline) of every object under `ctr/`, with their partition. */
export function deliveredLines(outDir: string): Array<{ dt: string; line: string }> {
  const result: Array<{ dt: string; line: string }> = [];
  for (const key of filesUnder(outDir).filter((k) => k.startsWith('ctr/'))) {
    const dt = /^ctr\/dt=([^/]+)\//.exec(key)?.[1] ?? '';
    const text = gunzipSync(readFileSync(join(outDir, key))).toString('utf8');
    if (!text.endsWith('\n')) throw new Error(`object ${key} does not end with a newline`);
    for (const line of text.slice(0, -1).split('\n')) result.push({ dt, line });
  }
  return result;
}
