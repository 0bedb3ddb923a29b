// The SDK's notice about future Node versions is not actionable here and buries test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // swc strips types only (tsc --noEmit checks them): about a quarter of ts-jest's memory for CDK tests.
  transform: {
    '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // dt-sql-parser (the Trino grammar of the SQL contract tests) and its ANTLR runtime ship ESM only.
    '/node_modules/(dt-sql-parser|antlr4ng|antlr4-c3)/.+\\.m?js$': [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(dt-sql-parser|antlr4ng|antlr4-c3)/)'],
  // A limit for a hung test, not a speed check: whole pipeline runs take several times longer on a busy machine.
  testTimeout: 600_000,
  maxWorkers: 2,
  // One DynamoDB Local (Java, seconds to start) for the whole run; the batched claim path runs against it.
  globalSetup: '<rootDir>/test/setup/dynamodb-local.ts',
  globalTeardown: '<rootDir>/test/setup/dynamodb-local-teardown.ts',
  // Removes the folders test/setup/temp-dirs.ts made (CDK output, synth homes) after each test file.
  setupFilesAfterEnv: ['<rootDir>/test/setup/remove-temp-dirs.ts'],
};
