import type { CheckResult, DoctorContext } from '../types';

/** Invokes the emulator function with the probe CTRs, their copies and the malformed record. */
export async function invokeCheck(ctx: DoctorContext): Promise<CheckResult> {
  const { payload, records } = ctx.probes;
  const title = `Emulator ${ctx.outputs.EmulatorFunctionName} accepts ${payload.records.length} records`;
  const result = (await ctx.clients.invokeEmulator(ctx.outputs.EmulatorFunctionName, payload)) as
    | { sent?: number }
    | undefined;
  if (result?.sent !== payload.records.length) {
    return {
      id: 'invoke',
      title,
      status: 'fail',
      detail: `it reported ${JSON.stringify(result)}, expected {"sent":${payload.records.length}}`,
      next: `Read the emulator's log group (/aws/lambda/${ctx.outputs.EmulatorFunctionName}) for the error.`,
    };
  }
  return {
    id: 'invoke',
    title,
    status: 'pass',
    detail: `${records.length} probe contacts, ${records.length} exact copies, 1 malformed record (run ${ctx.probes.runId})`,
  };
}
