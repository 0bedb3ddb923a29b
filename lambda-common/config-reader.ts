/**
 * Reads settings from environment variables and collects every problem instead of stopping at the
 * first, so a misconfigured deployment fails its first invocation with one message that lists them all.
 * @example
 * const read = new EnvReader(process.env);
 * const config = { table: read.required('TABLE_NAME'), attempts: read.integer('ATTEMPTS', 4, 1, 10) };
 * read.finish((problems) => new ConfigurationError(problems));
 */
export class EnvReader {
  /** One sentence per problem found so far. */
  public readonly problems: string[] = [];

  public constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The trimmed value, or undefined when unset or blank. */
  public optional(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  /** A setting that must be present; `what` says what it names, for the message. */
  public required(name: string, what?: string): string {
    const value = this.optional(name);
    if (value === undefined)
      this.problems.push(what ? `${name} is not set: it must name ${what}` : `${name} is required`);
    return value ?? '';
  }

  /** A whole number from `min` to `max`, or `fallback` when unset. */
  public integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  }

  /** One of `choices`, or `fallback` when unset. */
  public oneOf<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = (this.optional(name) ?? fallback) as T;
    if (!choices.includes(value)) this.problems.push(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
    return value;
  }

  /** Records a problem found by the caller's own check. */
  public check(ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem);
  }

  /** Throws the error `toError` builds when any problem was found. */
  public finish(toError: (problems: readonly string[]) => Error): void {
    if (this.problems.length > 0) throw toError(this.problems);
  }
}
