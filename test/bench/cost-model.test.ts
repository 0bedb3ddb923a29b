import {
  costPerMillion,
  type DesignUsage,
  functionSecondsPer1000,
  PRICES,
  shardHeadroom,
} from '../../bench/cost-model';

const usage: DesignUsage = {
  batchSize: 100,
  cpuMicrosPerRecord: 100,
  waitMillisPerRecord: 0.05,
  writeUnitsPerRecord: 0.8,
  readUnitsPerRecord: 0.1,
};

describe('cost model', () => {
  test('scales CPU by the vCPU share of 512 MB (1,769 MB per vCPU) and adds the wait', () => {
    // 100 µs x 1769/512 = 345.5 µs of function time, plus 50 µs of waiting, per record.
    expect(functionSecondsPer1000(usage)).toBeCloseTo(0.3455 + 0.05, 4);
    expect(shardHeadroom(usage)).toBeCloseTo(1 / 0.3955, 3);
  });

  test('bills writes and reads per unit, Lambda per GB-second at 512 MB, Firehose in 5 KB increments and Kinesis writes in 1 KiB increments', () => {
    const cost = costPerMillion(usage, { averageRecordBytes: 3000, distinctShare: 0.5 });
    expect(cost.dynamodbWrites).toBeCloseTo(0.8 * PRICES.dynamodbPerMillionWriteUnits, 6);
    expect(cost.dynamodbReads).toBeCloseTo(0.1 * PRICES.dynamodbPerMillionReadUnits, 6);
    expect(cost.lambdaCompute).toBeCloseTo(0.3955 * 1000 * 0.5 * PRICES.lambdaArmPerGbSecond, 6);
    expect(cost.lambdaRequests).toBeCloseTo(0.01 * PRICES.lambdaPerMillionRequests, 6);
    // 500,000 forwarded records, each billed as 5 KB though it is 3,000 bytes.
    expect(cost.firehoseIngestion).toBeCloseTo(((500_000 * 5120) / 1024 ** 3) * PRICES.firehosePerGbIngested, 6);
    // Kinesis bills written data per record rounded up to 1 KiB (3,000 bytes as 3,072); reads as they are.
    expect(cost.kinesis).toBeCloseTo(
      ((1e6 * 3072) / 1024 ** 3) * PRICES.kinesisOnDemandPerGbIn +
        ((1e6 * 3000) / 1024 ** 3) * PRICES.kinesisOnDemandPerGbOut,
      6,
    );
    expect(cost.total).toBeCloseTo(
      cost.dynamodbWrites +
        cost.dynamodbReads +
        cost.lambdaCompute +
        cost.lambdaRequests +
        cost.firehoseIngestion +
        cost.firehosePartitioning +
        cost.kinesis,
      9,
    );
  });
});
