import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/** Repository root: NodejsFunction entries and the lock file are resolved from here, whatever the cwd. */
export const PROJECT_ROOT = path.join(__dirname, '..');

/** Newest Node.js runtime aws-cdk-lib 2.276 offers (named, not NODEJS_LATEST, so upgrades are deliberate). */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/**
 * esbuild settings shared by both functions. Bundled locally (esbuild is a dev dependency), never in Docker.
 * `@aws-sdk/*` stays external because the Node.js runtime ships SDK v3; Powertools is bundled.
 */
export const BUNDLING: nodejs.BundlingOptions = {
  externalModules: ['@aws-sdk/*'],
  minify: true,
  sourceMap: false,
  target: 'node24',
  format: nodejs.OutputFormat.CJS,
  forceDockerBundling: false,
};
