import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Public test vectors carried by the repository (test/fixtures, each set with its licence). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test vectors of arbitrary JSON shape
export type Json = any;

const FIXTURES = join(__dirname, '../../../test/fixtures');

export function readRfcSample(file: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, 'rfc-samples', file), 'utf8'));
}

/** The RFC sample files whose name starts with `prefix`. */
export function rfcSampleFiles(prefix: string): string[] {
  return readdirSync(join(FIXTURES, 'rfc-samples')).filter((f) => f.startsWith(prefix));
}

export function readScimmyFixture(file: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, 'scimmy-fixtures', file), 'utf8'));
}
