import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The team's shared test data (/work/shared/data), read in place and never copied into the repo. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test vectors of arbitrary JSON shape
export type Json = any;

const SHARED_DATA = join(__dirname, '../../../../../shared/data');

export function readRfcSample(file: string): Json {
  return JSON.parse(readFileSync(join(SHARED_DATA, 'rfc-samples', file), 'utf8'));
}

export function readScimmyFixture(file: string): Json {
  return JSON.parse(readFileSync(join(SHARED_DATA, 'scimmy-fixtures', file), 'utf8'));
}
