import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalEnvironment, type LocalEnvironmentProps, startLocalEnvironment } from '../../local/environment';

/** A local environment and an output folder shared by one test file's tests. */
export interface PipelineFixture {
  readonly env: LocalEnvironment;
  readonly outDir: string;
}

/**
 * Starts a local environment (with `props()`, read when it starts) and an output folder before the file's
 * tests, and stops and removes both after them.
 */
export function usePipeline(props: () => LocalEnvironmentProps = () => ({})): PipelineFixture {
  const fixture: { env?: LocalEnvironment; outDir?: string } = {};
  beforeAll(async () => {
    fixture.env = await startLocalEnvironment(props());
    fixture.outDir = await mkdtemp(join(tmpdir(), 'ctr-test-'));
  });
  afterAll(async () => {
    await fixture.env?.stop();
    if (fixture.outDir) await rm(fixture.outDir, { recursive: true, force: true });
  });
  return fixture as PipelineFixture;
}
