import { readFile } from 'node:fs/promises';

/** One record to send: an object goes as compact JSON, a string as its exact bytes. */
export type InputRecord = string | Record<string, unknown>;

/** A file the CLI cannot read as records. */
export class InputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * Reads the records of one input: a JSON array, a single JSON object, or newline-delimited records.
 * Newline-delimited lines are kept as their exact text (a line that is not JSON included, to exercise
 * quarantine); blank lines are skipped.
 */
export function parseInput(text: string): InputRecord[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const whole: unknown = JSON.parse(trimmed);
    if (Array.isArray(whole)) return whole.map(toRecord);
    if (isObject(whole)) return [whole];
  } catch {
    // Not one JSON document: newline-delimited.
  }
  return text
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.trim() !== '');
}

/** Reads and parses an input file. */
export async function readInputFile(path: string): Promise<InputRecord[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputFileError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return parseInput(text);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// An array entry that is not an object (a number, a nested array) is sent as its JSON text, for quarantine.
const toRecord = (entry: unknown): InputRecord =>
  isObject(entry) ? entry : typeof entry === 'string' ? entry : JSON.stringify(entry);
