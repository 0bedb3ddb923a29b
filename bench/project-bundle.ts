import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

/** The project's handler module, as `project-entry.ts` exports it. */
export type ProjectBundle = typeof import('./project-entry');

let loaded: ProjectBundle | undefined;

/**
 * Bundles and loads the project's handler as the stack deploys it (esbuild, minified, CommonJS, `@aws-sdk/*`
 * external: lib/lambda-bundling.ts), so the benchmark measures the deployed code. Run from source under
 * `tsx`, every closure the handler creates goes through esbuild's `keepNames` helper (a `defineProperty`
 * call each), which the deployed bundle does not have. Written under node_modules/.cache so that the
 * external `@aws-sdk/*` packages resolve to the same copies the benchmark's clients come from.
 */
export function loadProjectBundle(): ProjectBundle {
  if (!loaded) {
    const root = join(__dirname, '..');
    // One file per process, removed once loaded: two benchmark runs at once do not write over each other.
    const outfile = join(root, 'node_modules', '.cache', 'ctr-bench', `project-handler-${process.pid}.js`);
    buildSync({
      entryPoints: [join(__dirname, 'project-entry.ts')],
      outfile,
      bundle: true,
      minify: true,
      platform: 'node',
      // The stack targets its Lambda runtime (node24); here, the Node.js that runs the benchmark.
      target: `node${process.versions.node.split('.')[0]}`,
      format: 'cjs',
      external: ['@aws-sdk/*'],
      sourcemap: false,
      logLevel: 'silent',
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file built at run time
    loaded = require(outfile) as ProjectBundle;
    rmSync(outfile, { force: true });
  }
  return loaded;
}
