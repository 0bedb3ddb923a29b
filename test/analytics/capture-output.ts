/** What the CLI wrote to stdout and stderr during the current test. */
export interface CapturedOutput {
  readonly out: string;
  readonly err: string;
  /**
   * The stderr lines the CLI itself wrote (they start with "ctr"): another suite's leftover work in the same
   * worker may log JSON lines meanwhile.
   */
  readonly cliErrors: string[];
  /** Forgets what was captured so far in this test. */
  clear(): void;
}

/** Captures stdout and stderr during each test of the enclosing describe (jest spies, restored after each test). */
export function captureOutput(): CapturedOutput {
  let out = '';
  let err = '';
  let spies: jest.SpyInstance[] = [];
  beforeEach(() => {
    out = '';
    err = '';
    spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation((s) => {
        out += String(s);
        return true;
      }),
      jest.spyOn(process.stderr, 'write').mockImplementation((s) => {
        err += String(s);
        return true;
      }),
    ];
  });
  afterEach(() => {
    for (const s of spies) s.mockRestore();
  });
  return {
    get out() {
      return out;
    },
    get err() {
      return err;
    },
    get cliErrors() {
      return err.split('\n').filter((line) => line.startsWith('ctr'));
    },
    clear() {
      out = '';
      err = '';
    },
  };
}
