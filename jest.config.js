// The SDK's notice about future Node versions is not actionable here and buries test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // swc strips types only (tsc --noEmit checks them): about a quarter of ts-jest's memory for CDK tests.
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testTimeout: 60000,
  maxWorkers: 2,
  // One DynamoDB Local (Java, seconds to start) for the whole run; the batched claim path runs against it.
  globalSetup: '<rootDir>/test/setup/dynamodb-local.ts',
  globalTeardown: '<rootDir>/test/setup/dynamodb-local-teardown.ts',
};
