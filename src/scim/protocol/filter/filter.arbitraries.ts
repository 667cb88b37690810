import fc from 'fast-check';
import type { CompareOperator, Filter, FilterValue } from './filter.ast';

/** fast-check generators for filters, shared by the parser and SQL property tests. */

const OPERATORS: CompareOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const PATHS = [
  'userName',
  'name.givenName',
  'emails.value',
  'not',
  'and',
  'pr',
  'eq',
  '$ref',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value',
];
const SUB_NAMES = ['type', 'value', 'primary', 'not', 'or', 'display'];

const valueArbitrary: fc.Arbitrary<FilterValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
  fc.boolean(),
  fc.constant(null),
);

function predicate(paths: string[]): fc.Arbitrary<Filter> {
  return fc.oneof(
    fc.record({
      type: fc.constant('compare' as const),
      path: fc.constantFrom(...paths),
      op: fc.constantFrom(...OPERATORS),
      value: valueArbitrary,
    }),
    fc.record({ type: fc.constant('present' as const), path: fc.constantFrom(...paths) }),
  );
}

function tree(leaf: fc.Arbitrary<Filter>, depth: number): fc.Arbitrary<Filter> {
  const { filter } = fc.letrec<{ filter: Filter }>((tie) => ({
    filter: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      leaf,
      fc.record({
        type: fc.constantFrom('and' as const, 'or' as const),
        left: tie('filter'),
        right: tie('filter'),
      }),
      fc.record({ type: fc.constant('not' as const), filter: tie('filter') }),
    ),
  }));
  return filter;
}

export const filterArbitrary: fc.Arbitrary<Filter> = tree(
  fc.oneof(
    { weight: 3, arbitrary: predicate(PATHS) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('valuePath' as const),
        path: fc.constantFrom('emails', 'addresses', 'members'),
        filter: tree(predicate(SUB_NAMES), 3),
      }),
    },
  ),
  4,
);

/** Strings built from filter-like tokens, so random inputs reach deep into the grammar. */
export const filterTextArbitrary: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'userName',
        'emails',
        'name.familyName',
        'urn:ietf:params:scim:schemas:core:2.0:User:',
        'not',
        'and',
        'or',
        'eq',
        'pr',
        'gt',
        '(',
        ')',
        '[',
        ']',
        '.',
        '"',
        '\\',
        '"x"',
        '"a\\"b"',
        'true',
        'null',
        '12',
        '-1.5e3',
        'value',
        ' ',
        ' ',
        ' ',
        '\t',
      ),
      fc.string({ maxLength: 3 }),
    ),
    { maxLength: 25 },
  )
  .map((parts) => parts.join(''));
