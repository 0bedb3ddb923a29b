import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Modules of `pkg` that loading `entry` pulls in, counted in a fresh Node process (tsx, as `ctr` runs). */
function loadedFrom(entry: string, pkg: string): number {
  const script = `require('tsx/cjs/api').register(); require(${JSON.stringify(entry)});
    process.stdout.write(String(Object.keys(require.cache).filter((k) => k.includes('/node_modules/${pkg}/')).length));`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return Number(result.stdout);
}

describe('what the CLI loads', () => {
  test('ctr query knows the catalog names without loading aws-cdk-lib', () => {
    expect(loadedFrom('./local/cli/commands/query.ts', 'aws-cdk-lib')).toBe(0);
  });

  test('the check can fail: the stack itself loads aws-cdk-lib', () => {
    expect(loadedFrom('./lib/ctr-catalog.ts', 'aws-cdk-lib')).toBeGreaterThan(0);
  });
});
