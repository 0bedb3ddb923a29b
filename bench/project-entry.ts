// What the benchmark bundles of the project: its handler and what `project-design.ts` builds it with.
export { Logger } from '@aws-lambda-powertools/logger';
export { Metrics } from '@aws-lambda-powertools/metrics';
export { withoutSdkCallLogging } from '../lambda-dedup/src/clients';
export { loadConfig } from '../lambda-dedup/src/config';
export { createDedupHandler } from '../lambda-dedup/src/handler';
export { keyFromString, staticKey } from '../lambda-dedup/src/pseudonymization-key';
