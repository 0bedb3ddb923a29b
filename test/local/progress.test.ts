import { ProgressMeter } from '../../local/cli/progress';

// Progress lines: the rate over the last interval (not since the start) and an ETA.
describe('ProgressMeter', () => {
  test('reports the rate over the last interval and the ETA from the remaining records', () => {
    let now = 0;
    const meter = new ProgressMeter(() => now);
    meter.line({ done: 0, total: 1000 });
    now = 10_000;
    expect(meter.line({ done: 500, total: 1000 })).toBe('500/1000 records, 50 records/s, ETA 0:10');
    // A slowdown shows at once: 100 records in the next 10 s.
    now = 20_000;
    expect(meter.line({ done: 600, total: 1000 })).toBe('600/1000 records, 10 records/s, ETA 0:40');
    expect(meter.line({ done: 1000, total: 1000 })).toMatch(/^1000\/1000 records, .*, ETA 0:00$/);
  });

  test('without a record total, estimates from the share of the input read', () => {
    let now = 0;
    const meter = new ProgressMeter(() => now);
    meter.line({ done: 0, fraction: 0 });
    now = 60_000;
    expect(meter.line({ done: 6000, fraction: 0.25, detail: 'forwarded 5000' })).toBe(
      '6000 records, forwarded 5000, 100 records/s, 25% of the input read, ETA 3:00',
    );
    now = 61_000;
    expect(meter.line({ done: 6000, fraction: 0.25 })).toMatch(/0 records\/s, 25% of the input read, ETA unknown$/);
  });
});
