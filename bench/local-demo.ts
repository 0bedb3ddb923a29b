import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Wall time of `npm start`, or why it was not measured. */
export type DemoTiming = { readonly seconds: number; readonly exitCode: number } | { readonly skipped: string };

/** Runs the local end-to-end demo (`npm start`) as a child process and times it, start to exit. */
export async function timeLocalDemo(root = join(__dirname, '..'), timeoutMs = 120_000): Promise<DemoTiming> {
  const scripts =
    (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ??
    {};
  if (!scripts.start) return { skipped: 'package.json has no "start" script' };
  const t0 = performance.now();
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      stdio: 'ignore',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code ?? -1);
    });
  });
  return { seconds: (performance.now() - t0) / 1000, exitCode };
}
