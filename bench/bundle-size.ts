import { join } from 'node:path';
import { build } from 'esbuild';

/** The dedup function's deployment bundle. */
export interface BundleSize {
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * Bundles `lambda-dedup/src/index.ts` with the stack's esbuild settings (lib/lambda-bundling.ts:
 * minified, CommonJS, node24, `@aws-sdk/*` external, no source map) and measures the output.
 * The settings are restated rather than imported: importing them loads aws-cdk-lib (about 300 MB).
 */
export async function measureBundleSize(root = join(__dirname, '..')): Promise<BundleSize> {
  const result = await build({
    entryPoints: [join(root, 'lambda-dedup', 'src', 'index.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    sourcemap: false,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const { gzipSync } = await import('node:zlib');
  return { bytes: code.byteLength, gzipBytes: gzipSync(code).byteLength };
}
