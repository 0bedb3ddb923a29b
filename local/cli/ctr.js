#!/usr/bin/env node
// The `ctr` command (package.json "bin"): runs the TypeScript CLI through tsx, so no build step is needed.

// The SDK's notice about future Node versions is not actionable for a local run (its own switch).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The summary reports quarantined records; per-record warnings would bury it.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
require('tsx/cjs/api').register();
require('./main.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
