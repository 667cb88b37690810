import type { MappingSource } from '../expression/attribute-resolver';
import {
  compileScoping,
  normalizeOperator,
  ScopingInvalidError,
  validateScoping,
  type ScopingGroup,
} from './scoping-filter';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const user = (doc: Record<string, unknown>): MappingSource => ({ id: 'u1', doc });
const jdoe = user({
  userName: 'jdoe@domain.com',
  title: 'Engineer',
  active: true,
  addresses: [{ type: 'work', locality: 'New York' }],
  [ENT]: { department: 'Engineering', employeeNumber: '1500000' },
});

const one = (attribute: string, operator: string, value?: string): ScopingGroup[] => [
  { clauses: [{ attribute, operator, value }] },
];
const inScope = (groups: ScopingGroup[], source = jdoe) => compileScoping(groups).evaluate(source).inScope;

describe('scoping filters', () => {
  it('puts everything in scope without groups', () => {
    expect(compileScoping([]).evaluate(user({}))).toEqual({ inScope: true, failures: [] });
  });

  it('SCOPE example: New York AND Engineering AND employee ID in [1000000, 2000000] AND job title not null, one group', () => {
    const groups: ScopingGroup[] = [
      {
        clauses: [
          { attribute: 'city', operator: 'EQUALS', value: 'New York' },
          { attribute: 'department', operator: 'EQUALS', value: 'Engineering' },
          { attribute: 'employeeId', operator: 'Greater_Than_OR_EQUALS', value: '1000000' },
          { attribute: 'employeeId', operator: 'LESS_THAN_OR_EQUALS', value: '2000000' },
          { attribute: 'jobTitle', operator: 'IS NOT NULL' },
        ],
      },
    ];
    expect(inScope(groups)).toBe(true);
    const verdict = compileScoping(groups).evaluate(
      user({ ...jdoe.doc, [ENT]: { department: 'Engineering', employeeNumber: '2500000' } }),
    );
    expect(verdict).toEqual({
      inScope: false,
      failures: [
        {
          group: 0,
          clause: 3,
          attribute: 'employeeId',
          operator: 'LESS_THAN_OR_EQUALS',
          expected: '2000000',
          actual: '2500000',
        },
      ],
      reason: 'group 1, clause 4: employeeId LESS_THAN_OR_EQUALS "2000000" failed (was "2500000")',
    });
  });

  it('ORs groups and reports the first failing clause of each', () => {
    const groups: ScopingGroup[] = [
      { clauses: [{ attribute: 'department', operator: 'EQUALS', value: 'Sales' }] },
      { clauses: [{ attribute: 'jobTitle', operator: 'IS NULL' }] },
    ];
    const verdict = compileScoping(groups).evaluate(jdoe);
    expect(verdict.inScope).toBe(false);
    expect(verdict.failures.map((f) => [f.group, f.clause, f.actual])).toEqual([
      [0, 0, 'Engineering'],
      [1, 0, 'Engineer'],
    ]);
    expect(verdict.reason).toContain('(and 1 more group)');
    expect(
      inScope([...groups, { clauses: [{ attribute: 'title', operator: 'EQUALS', value: 'Engineer' }] }]),
    ).toBe(true);
  });

  it.each([
    ['userPrincipalName', 'REGEX MATCH', '.*\\@domain.com', true],
    ['userPrincipalName', 'NOT REGEX MATCH', '.*\\@domain.com', false],
    ['department', 'EQUALS', 'engineering', false],
    ['department', 'NOT EQUALS', 'Sales', true],
    ['employeeId', 'REGEX MATCH', '(1[0-9][0-9][0-9][0-9][0-9][0-9])', true],
    ['employeeId', 'Greater_Than', '1499999', true],
    ['employeeId', 'Greater_Than', '1500000', false],
    ['employeeId', 'LESS_THAN', '1500001', true],
    ['department', 'Includes', 'gineer', true],
    ['department', 'Includes', 'GINEER', false],
    ['department', 'ENDS_WITH', 'ring', true],
    ['department', 'STARTS_WITH', 'Eng', true],
    ['department', '&', 'Engineering,Sales', true],
    ['department', '!&', 'Engineering,Sales', false],
    ['department', '&', 'Sales', false],
    ['accountEnabled', 'IS TRUE', undefined, true],
    ['accountEnabled', 'IS FALSE', undefined, false],
    ['jobTitle', 'IS NULL', undefined, false],
    ['jobTitle', 'IS NOT NULL', undefined, true],
  ])('[%s] %s %j → %s (SCOPE §6.2)', (attribute, operator, value, expected) => {
    expect(inScope(one(attribute, operator, value))).toBe(expected);
  });

  it('null or empty fails every operator except IS NULL (SCOPE "Important")', () => {
    const empty = user({ title: '' });
    for (const [op, value] of [
      ['EQUALS', 'x'],
      ['NOT EQUALS', 'x'],
      ['NOT REGEX MATCH', 'x'],
      ['!&', 'x'],
      ['IS NOT NULL', undefined],
      ['IS FALSE', undefined],
    ] as const) {
      expect(inScope(one('jobTitle', op, value), empty)).toBe(false);
      expect(inScope(one('jobTitle', op, value), user({}))).toBe(false);
    }
    expect(inScope(one('jobTitle', 'IS NULL'), empty)).toBe(true);
    expect(inScope(one('jobTitle', 'IS NULL'), user({}))).toBe(true);
  });

  it('matches operator names case-insensitively, with spaces or underscores', () => {
    expect(normalizeOperator('not equals')).toBe('NOT EQUALS');
    expect(normalizeOperator('Not_Equals')).toBe('NOT EQUALS');
    expect(normalizeOperator('GREATER_THAN_or_equals')).toBe('Greater_Than_OR_EQUALS');
    expect(normalizeOperator('isnotnull')).toBe('IS NOT NULL');
    expect(normalizeOperator('ends with')).toBe('ENDS_WITH');
    expect(normalizeOperator('LIKE')).toBeUndefined();
  });

  it('validates with clear messages', () => {
    const problems = validateScoping([
      {
        clauses: [
          { attribute: 'department', operator: 'LIKE', value: 'x' },
          { attribute: 'department', operator: 'REGEX MATCH', value: '([0-9' },
          { attribute: 'department', operator: 'EQUALS' },
          { attribute: 'employeeId', operator: 'Greater_Than', value: 'ten' },
          { attribute: 'nope', operator: 'EQUALS', value: 'x' },
          { attribute: 'emails', operator: 'EQUALS', value: 'x' },
          { attribute: 'jobTitle', operator: 'IS NULL', value: 'x' },
        ],
      },
      { clauses: [] },
    ]);
    expect(problems.map((p) => [p.group, p.clause, p.field])).toEqual([
      [0, 0, 'operator'],
      [0, 1, 'value'],
      [0, 2, 'value'],
      [0, 3, 'value'],
      [0, 4, 'attribute'],
      [0, 5, 'attribute'],
      [0, 6, 'value'],
      [1, 0, 'attribute'],
    ]);
    expect(problems[0].message).toMatch(/unknown operator "LIKE"; use one of EQUALS, NOT EQUALS/);
    expect(problems[1].message).toMatch(/not a valid regular expression/);
    expect(problems[2].message).toBe('EQUALS needs a value');
    expect(problems[3].message).toMatch(/whole numbers/);
    expect(problems[4].message).toBe('unknown attribute "nope"');
    expect(problems[5].message).toMatch(/multi-valued/);
    expect(() => compileScoping([{ clauses: [{ attribute: 'x', operator: 'EQUALS', value: 'y' }] }])).toThrow(
      ScopingInvalidError,
    );
  });

  it('keeps long actual values short', () => {
    const verdict = compileScoping(one('displayName', 'EQUALS', 'x')).evaluate(
      user({ displayName: 'y'.repeat(500) }),
    );
    expect(verdict.failures[0].actual).toHaveLength(80);
  });
});
