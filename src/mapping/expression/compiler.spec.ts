import { compileExpression, functionNames } from './compiler';
import { ExpressionError, ExpressionEvaluationError } from './expression-error';
import { scimUser } from './test-support';

function compileError(text: string, options = {}): ExpressionError {
  try {
    compileExpression(text, options);
  } catch (e) {
    if (e instanceof ExpressionError) return e;
    throw e;
  }
  throw new Error(`expected ${text} to be rejected`);
}

describe('compileExpression checks at save time', () => {
  it('has the 45 functions of FX26', () => {
    expect(functionNames().sort()).toEqual(
      [
        'Append',
        'AppRoleAssignmentsComplex',
        'BitAnd',
        'CBool',
        'CDate',
        'Coalesce',
        'ConvertToBase64',
        'ConvertToUTF8Hex',
        'Count',
        'CStr',
        'DateAdd',
        'DateDiff',
        'DateFromNum',
        'DefaultDomain',
        'FormatDateTime',
        'Guid',
        'IgnoreFlowIfNullOrEmpty',
        'IIF',
        'InStr',
        'IsNull',
        'IsNullOrEmpty',
        'IsPresent',
        'IsString',
        'Item',
        'Join',
        'Left',
        'Len',
        'Mid',
        'NormalizeDiacritics',
        'Not',
        'Now',
        'NumFromDate',
        'PCase',
        'RandomString',
        'Redact',
        'RemoveDuplicates',
        'Replace',
        'SelectUniqueValue',
        'SingleAppRoleAssignment',
        'Split',
        'StripSpaces',
        'Switch',
        'ToLower',
        'ToUpper',
        'Word',
      ].sort(),
    );
  });

  it('matches function names case-insensitively (FX26 writes switch(...))', () => {
    expect(
      compileExpression('switch([companyName], "External", "Company A", "A")').evaluate(scimUser({})).value,
    ).toBe('External');
    expect(compileExpression('isnullorempty([displayName])').evaluate(scimUser({})).value).toBe('True');
  });

  it.each([
    ['Joinn(",", [givenName])', 'unknownFunction', 1, 1, /unknown function "Joinn"; did you mean Join\?/],
    ['ToLower(\n  Frobnicate([givenName]))', 'unknownFunction', 2, 3, /unknown function "Frobnicate"$/],
    [
      'Mid([givenName], 1)',
      'argumentCount',
      1,
      1,
      /Mid takes 3 arguments but got 2: Mid\(source, start, length\)/,
    ],
    ['Switch([displayName], "d", "k", "v", "k2")', 'argumentCount', 1, 1, /count must be even/],
    ['Join(",", [givenNam])', 'unknownAttribute', 1, 11, /unknown attribute "givenNam"/],
    ['[name.nickName]', 'unknownAttribute', 1, 1, /name has no sub-attribute "nickName"/],
    ['Mid([givenName], , 2)', 'invalidArgument', 1, 18, /start is required/],
    ['Mid([givenName], "a", 2)', 'invalidArgument', 1, 18, /start must be a whole number/],
    ['Replace([mail], , "([a-z", , "", , )', 'invalidArgument', 1, 19, /not a valid regular expression/],
    ['Replace([mail], , "(?<a>x)", "b", "", , )', 'invalidArgument', 1, 30, /no group named "b"/],
    ['Replace([mail], "a", , , , , )', 'invalidArgument', 1, 17, /needs a replacementValue or a template/],
    ['DateAdd("days", 1, Now())', 'invalidArgument', 1, 9, /interval must be/],
    ['FormatDateTime([displayName], , "d", "yyyy")', 'invalidArgument', 1, 33, /standard format/],
    ['InStr("a", "b", 1, IgnoreObjectFlow)', 'invalidArgument', 1, 20, /compareType/],
    ['Join(vbTextCompare, "a")', 'invalidArgument', 1, 6, /only meaningful as InStr/],
    ['ToLower(SelectUniqueValue("a", "b"))', 'invalidArgument', 1, 9, /must be the whole expression/],
    ['ToUpper([givenName], "not a culture!")', 'invalidArgument', 1, 22, /culture/],
    ['CDate("yesterday")', 'invalidArgument', 1, 7, /not a date/],
  ])('%s → %s at %d:%d', (text, kind, line, column, message) => {
    const error = compileError(text);
    expect({ kind: error.kind, line: error.line, column: error.column }).toEqual({ kind, line, column });
    expect(error.detail).toMatch(message);
    expect(error.message).toBe(`Line ${line}, column ${column}: ${error.detail}`);
  });

  it('accepts registered extension attributes and rejects unregistered ones', () => {
    const text = '[urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode]';
    expect(compileError(text).kind).toBe('unknownAttribute');
    expect(() =>
      compileExpression(text, {
        extensionSchemas: ['urn:ietf:params:scim:schemas:extension:contoso:1.0:User'],
      }),
    ).not.toThrow();
    expect(() =>
      compileExpression('[JobCode]', {
        extensionAttributes: ['urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode'],
      }),
    ).not.toThrow();
  });

  it('lists the attributes an expression reads', () => {
    expect(compileExpression('Join(" ", [givenName], [surname], [givenName])').attributes).toEqual([
      'givenName',
      'surname',
    ]);
  });

  it('reports run-time failures with the function and its position', () => {
    const compiled = compileExpression('Join("", \n CDate([employeeHireDate]))');
    const user = scimUser({ employeeHireDate: 'soon' });
    expect(() => compiled.evaluate(user)).toThrow(ExpressionEvaluationError);
    expect(() => compiled.evaluate(user)).toThrow('CDate at line 2, column 2: "soon" is not a date');
    expect(() => compileExpression('DefaultDomain()').evaluate(user)).toThrow(
      'no default domain is configured',
    );
  });

  it('keeps comparisons numeric for numbers and dates, ordinal otherwise', () => {
    const run = (t: string) => compileExpression(t).evaluate(scimUser({})).value;
    expect(run('CBool("10" > "9")')).toBe('True');
    expect(run('CBool("b" > "a")')).toBe('True');
    expect(run('CBool(CDate("2021-01-02") > CDate("2020-12-31"))')).toBe('True');
    expect(run('IIF("1" = 1.0, "eq", "ne")')).toBe('eq');
  });
});
