import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';

// Folders made for the current test file; test/setup/remove-temp-dirs.ts removes them after it.
const made: string[] = [];

/** A fresh folder in the temp directory, removed when the test file ends. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every folder {@link tempDir} made so far. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A CDK app whose output folder is removed when the test file ends. Without an `outdir`, an App that the
 * CLI does not run makes its own `cdk.out*` folder in the temp directory and leaves it there.
 */
export function testApp(props: AppProps = {}): App {
  return new App({ outdir: tempDir('cdk.out-'), ...props });
}
