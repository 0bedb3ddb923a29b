import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, fullTemplate, ofType } from './template';

// Contract of the Connect hookup.
// - Amazon Connect API, AssociateInstanceStorageConfig
//   (https://docs.aws.amazon.com/connect/latest/APIReference/API_AssociateInstanceStorageConfig.html) and
//   ListInstanceStorageConfigs (https://docs.aws.amazon.com/connect/latest/APIReference/API_ListInstanceStorageConfigs.html):
//   an instance has one CONTACT_TRACE_RECORDS destination; associating a second fails, so the README must say
//   how to check first.
// - Amazon Connect, "Enable data streaming for your instance"
//   (https://docs.aws.amazon.com/connect/latest/adminguide/data-streaming.html): Connect writes to the stream
//   with its service-linked role; a stream under a customer managed key would need a key grant, the
//   AWS managed key (aws/kinesis) needs none.

const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('### Before you connect an Amazon Connect instance'));

describe('the Connect precondition is stated before deploy', () => {
  test('the README has the section in its deploy steps', () => {
    expect(readme.indexOf('### Before you connect an Amazon Connect instance')).toBeGreaterThan(
      readme.indexOf('## Deploy to AWS'),
    );
    expect(readme.indexOf('### Before you connect an Amazon Connect instance')).toBeLessThan(
      readme.indexOf('## Documentation'),
    );
  });

  test('it gives the check command for the CTR resource type, and what to do if a config exists', () => {
    const body = section.slice(0, section.indexOf('## Documentation'));
    expect(body).toMatch(
      /aws connect list-instance-storage-configs --instance-id [^\n]+\\\n\s+--resource-type CONTACT_TRACE_RECORDS/,
    );
    expect(body).toContain('"StorageConfigs": []');
    expect(body).toContain('disassociate-instance-storage-config');
  });
});

describe('the stack registers the stream the way Connect expects', () => {
  const { all } = fullTemplate();
  test('one CONTACT_TRACE_RECORDS config, KINESIS_STREAM, pointing at the stack stream', () => {
    const configs = ofType(all, 'AWS::Connect::InstanceStorageConfig');
    expect(configs).toHaveLength(1);
    const [[, config]] = configs;
    const [[streamId, stream]] = ofType(all, 'AWS::Kinesis::Stream');
    expect(evaluate(config.Properties)).toMatchObject({
      ResourceType: 'CONTACT_TRACE_RECORDS',
      StorageType: 'KINESIS_STREAM',
      KinesisStreamConfig: { StreamArn: `{${streamId}.Arn}` },
    });
    // Connect's service-linked role can write to a stream under the AWS managed key only.
    expect(stream.Properties.StreamEncryption).toEqual({ EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' });
  });
});
