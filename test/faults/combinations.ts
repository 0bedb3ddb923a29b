import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportObjects, listKeys } from '../../local/bucket';
import { startLocalEnvironment } from '../../local/environment';
import { generateBadInputs } from '../../local/faults/bad-inputs';
import { FAULT_CATALOG, type FaultReport, parseFaultSpec, planFaults } from '../../local/faults/catalog';
import { runLocalPipeline } from '../../local/pipeline';
import { type VerifyReport, verifyDelivery } from '../../local/verify';
import { generateCorpus } from '../local/corpus';
import { TEMPLATE } from './harness';

/** Contacts per combination run: about 90 records in `npm test`; `npm run faults` sets thousands. */
export const MATRIX_CONTACTS = Number(process.env.FAULT_MATRIX_CONTACTS ?? 40);
/** Small batches, so that even the small corpus makes many invocations for the faults to meet in. */
export const MATRIX_BATCH_SIZE = 10;
export const MATRIX_TIMEOUT_MS = Math.max(300_000, MATRIX_CONTACTS * 600);

/** The faults the README's Guarantees call exact, each with the value the matrix injects. */
export const EXACT_FAULTS: readonly string[] = Object.keys(FAULT_CATALOG)
  .filter((name) => FAULT_CATALOG[name].exact)
  .map((name) => (FAULT_CATALOG[name].value === 'rate' && name.startsWith('die-') ? `${name}=0.3` : name));

/** Every pair of exact faults that can be injected together (an invocation dies at most once). */
export function exactPairs(): string[][] {
  const pairs: string[][] = [];
  for (let i = 0; i < EXACT_FAULTS.length; i += 1) {
    for (let j = i + 1; j < EXACT_FAULTS.length; j += 1) {
      if (EXACT_FAULTS[i].startsWith('die-') && EXACT_FAULTS[j].startsWith('die-')) continue;
      pairs.push([EXACT_FAULTS[i], EXACT_FAULTS[j]]);
    }
  }
  return pairs;
}

/** What one run under a set of faults did: the CLI's own plan and its `--verify` check. */
export interface CombinationRun {
  readonly verify: VerifyReport;
  readonly faults: FaultReport;
  readonly expectedDistinct: number;
  readonly failedRecords: number;
}

/**
 * Runs a generated corpus through the local pipeline under `ctr local --fault` specs, exactly as the CLI
 * plans them, and verifies the delivered set against the input (duplicates fail when every fault is exact).
 */
export async function runCombination(specs: readonly string[], seed = 11): Promise<CombinationRun> {
  const corpus = generateCorpus(MATRIX_CONTACTS, seed);
  const plan = planFaults(specs.map(parseFaultSpec));
  jest.resetModules();
  const env = await startLocalEnvironment({ ...plan.environment, eventSource: { batchSize: MATRIX_BATCH_SIZE } });
  const outDir = await mkdtemp(join(tmpdir(), 'ctr-combination-'));
  try {
    await plan.install(env);
    await runLocalPipeline(env, corpus.lines, {
      outDir,
      sql: false,
      ...plan.runOptions(env),
      preloaded: plan.extraInputs.length,
    });
    if (await plan.after(env))
      await exportObjects(
        env.clients.s3,
        env.names.bucketName,
        await listKeys(env.clients.s3, env.names.bucketName),
        outDir,
      );
    const inputs = [...plan.extraInputs, ...corpus.lines.map((l) => Buffer.from(l))];
    // The valid bad-input kinds (a huge attribute map, a byte-order mark) add expected CTRs, as the generator states.
    const badPerKind =
      plan.extraInputs.length > 0 ? parseFaultSpec(specs.find((s) => s.startsWith('bad-inputs'))!).value : 0;
    const validExtras = generateBadInputs(TEMPLATE, badPerKind).filter((b) => b.expected === 'deliver').length;
    return {
      verify: verifyDelivery(inputs, outDir, { duplicatesFail: plan.exact }),
      faults: plan.report(),
      expectedDistinct: corpus.expected.size + validExtras,
      failedRecords: env.mapping.stats.recordsToFailureDestination,
    };
  } finally {
    await env.stop();
    await rm(outDir, { recursive: true, force: true });
  }
}
