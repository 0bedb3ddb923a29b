import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../setup/temp-dirs';

const ROOT = path.join(__dirname, '..', '..');

/**
 * Runs the real CLI on the real app entry (bin/app.ts, cdk-nag packs registered, template validation
 * on) with no AWS credentials or region in the environment.
 */
function cdkSynth(...extra: string[]) {
  const outdir = tempDir('cdk-synth-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tempDir('cdk-home-'), // no ~/.aws
    CDK_DISABLE_VERSION_CHECK: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', outdir, ...extra], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
    timeout: 600_000, // a limit for a hung synth, not a speed check
  });
  return { ...result, outdir };
}

describe('npx cdk synth (offline, no credentials)', () => {
  test('synthesizes the stack, bundles both functions and passes cdk-nag', () => {
    const { status, stderr, outdir } = cdkSynth();
    expect({ status, stderr: status === 0 ? '' : stderr }).toEqual({ status: 0, stderr: '' });
    const template = JSON.parse(fs.readFileSync(path.join(outdir, 'CallCenterAnalytics.template.json'), 'utf8'));
    const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
    expect(types).toEqual(
      expect.arrayContaining([
        'AWS::Kinesis::Stream',
        'AWS::Lambda::EventSourceMapping',
        'AWS::KinesisFirehose::DeliveryStream',
        'AWS::Glue::Table',
      ]),
    );
    const assets = fs.readdirSync(outdir).filter((f) => f.startsWith('asset.'));
    expect(assets).toHaveLength(2);
  });

  test('a bad context value fails synth with the named error', () => {
    const { status, stderr } = cdkSynth('-c', 'connectInstanceArn=not-an-arn');
    expect(status).not.toBe(0);
    expect(stderr).toContain('connectInstanceArn must be an Amazon Connect instance ARN');
  });
});
