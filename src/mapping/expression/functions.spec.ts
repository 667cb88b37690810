import { compileExpression, type EvaluationResult } from './compiler';
import type { EvaluationContext } from './functions/function-types';
import { scimUser, type EntraLikeUser } from './test-support';

/** Evaluates against an Entra-named user laid out as canonical SCIM; unknown (HR-style) names read top-level. */
function evaluate(text: string, user: EntraLikeUser = {}, ctx: EvaluationContext = {}): EvaluationResult {
  return compileExpression(text, { allowUnknown: true }).evaluate(scimUser(user), ctx);
}
const value = (text: string, user: EntraLikeUser = {}, ctx: EvaluationContext = {}) =>
  evaluate(text, user, ctx).value;
const hr = (extra: Record<string, unknown>): EntraLikeUser => ({ extra });
const at = (iso: string): EvaluationContext => ({ now: () => new Date(iso) });
/** proxyAddresses lives in the Microsoft Entra extension of our directory (entra-inbound-api.md §8). */
const proxies = (list: string[]): EntraLikeUser =>
  hr({ 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User': { proxyAddresses: list } });

describe('documented vectors (entra-expressions.md §3; source tags in each case)', () => {
  it('Append (FX26)', () => {
    expect(value('Append([userPrincipalName], ".test")', { userPrincipalName: 'John.Doe@contoso.com' })).toBe(
      'John.Doe@contoso.com.test',
    );
    expect(
      value('Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))', { givenName: 'John', surname: 'Doe' }),
    ).toBe('JohDoe');
    expect(
      value('Append("SMTP:", Join("@", Join(".", [givenName], [surname]), "contoso.com"))', {
        givenName: 'John',
        surname: 'Doe',
      }),
    ).toBe('SMTP:John.Doe@contoso.com');
  });

  it('BitAnd (FX26): 7; the doc writes &HF as 00000111 but it is 00001111, the result 7 holds', () => {
    expect(value('BitAnd(&HF, &HF7)')).toBe('7');
  });

  it('CBool (FX26)', () => {
    expect(value('CBool([attribute1] = [attribute2])', hr({ attribute1: 'x', attribute2: 'x' }))).toBe(
      'True',
    );
    expect(value('CBool([attribute1] = [attribute2])', hr({ attribute1: 'x', attribute2: 'y' }))).toBe(
      'False',
    );
  });

  it('CDate (FX26), including Workday date-plus-offset input', () => {
    expect(value('CDate([StatusHireDate])', hr({ StatusHireDate: '2020-03-16-07:00' }))).toBe(
      '3/16/2020 7:00:00 AM',
    );
    expect(value('CDate("2021-06-30+08:00")')).toBe('6/29/2021 4:00:00 PM');
    expect(value('CDate("2009-06-15T01:45:30-07:00")')).toBe('6/15/2009 8:45:30 AM');
  });

  it('Coalesce (FX26): mail null gives the UPN', () => {
    expect(value('Coalesce([mail],[userPrincipalName])', { userPrincipalName: 'John.Doe@contoso.com' })).toBe(
      'John.Doe@contoso.com',
    );
  });

  it('ConvertToBase64 and ConvertToUTF8Hex (FX26)', () => {
    expect(value('ConvertToBase64("Hello world!")')).toBe('SABlAGwAbABvACAAdwBvAHIAbABkACEA');
    expect(value('ConvertToUTF8Hex("Hello world!")')).toBe('48656C6C6F20776F726C6421');
  });

  it('ConvertToUTF8Hex example section (FX26): the published output does not come from the input; this is the real one', () => {
    expect(
      value('Join("", 1000, Replace(ConvertToUTF8Hex([objectId]), , "[a-zA-Z_]*", , "", , ))', {
        objectId: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      }),
    ).toBe('100030306161303061612626231312636332322646433332343465653434656534346565');
  });

  it('CStr (FX26)', () => {
    expect(value('CStr([dn])', hr({ dn: 'cn=Joe,dc=contoso,dc=com' }))).toBe('cn=Joe,dc=contoso,dc=com');
  });

  it.each([
    ['d', '7', '3/23/2012 7:00:00 AM'],
    ['d', '-10', '3/6/2012 7:00:00 AM'],
    ['ww', '2', '3/30/2012 7:00:00 AM'],
    ['m', '10', '1/16/2013 7:00:00 AM'],
    ['yyyy', '2', '3/16/2014 7:00:00 AM'],
  ])('DateAdd("%s", %s, CDate([StatusHireDate])) (FX26)', (interval, n, expected) => {
    expect(
      value(
        `DateAdd("${interval}", ${n}, CDate([StatusHireDate]))`,
        hr({ StatusHireDate: '2012-03-16-07:00' }),
      ),
    ).toBe(expected);
  });

  it.each([
    ['d', '2021-08-18+08:00', '2021-08-31+08:00', '13'],
    ['d', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', '-3449'],
    ['ww', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', '-493'],
    ['m', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', '-113'],
    ['yyyy', '8/25/2021 5:41:18 PM', '2012-03-16-07:00', '-9'],
    ['d', '2021-08-31+08:00', '2021-08-31+08:00', '0'],
    ['h', '2021-08-24', '2021-08-25', '24'],
    ['n', '2021-08-24', '2021-08-25', '1440'],
    ['s', '2021-08-24', '2021-08-25', '86400'],
  ])('DateDiff("%s", %s, %s) = %s (FX26)', (interval, d1, d2, expected) => {
    expect(value(`DateDiff("${interval}", CDate("${d1}"), CDate("${d2}"))`)).toBe(expected);
  });

  it('DateFromNum (FX26): January 1, 2012 at 11:00PM', () => {
    expect(value('DateFromNum(129699324000000000)')).toBe('1/1/2012 11:00:00 PM');
  });

  it('DefaultDomain (FX26) is the configured tenant domain', () => {
    expect(
      value(
        'Join("@", [mailNickname], DefaultDomain())',
        { mailNickname: 'jdoe' },
        { defaultDomain: 'contoso.com' },
      ),
    ).toBe('jdoe@contoso.com');
  });

  it('FormatDateTime (FX26)', () => {
    expect(
      value(
        'FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")',
        hr({ extensionAttribute1: '20150123105347.1Z' }),
      ),
    ).toBe('2015-01-23');
  });

  it('Guid (FX26) uses the injected random source', () => {
    const g = value('Guid()', {}, { random: () => 0.5 });
    expect(g).toBe('80808080-8080-4080-8080-808080808080');
    expect(value('Guid()')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('IgnoreFlowIfNullOrEmpty (FX26)', () => {
    expect(evaluate('IgnoreFlowIfNullOrEmpty([department])')).toEqual({ flows: false, value: null });
    expect(evaluate('IgnoreFlowIfNullOrEmpty([department])', { department: 'Sales' })).toEqual({
      flows: true,
      value: 'Sales',
    });
    const prefix =
      'IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))';
    expect(evaluate(prefix, hr({ prefix: '9999' }))).toEqual({ flows: false, value: null });
    expect(value(prefix, hr({ prefix: '3444' }))).toBe('Prof.');
    const supported = 'IgnoreFlowIfNullOrEmpty(IIF([country]="USA",[region],""))';
    expect(evaluate(supported, { country: 'FR', extra: { region: 'x' } }).flows).toBe(false);
    expect(value(supported, { country: 'USA', extra: { region: 'West' } })).toBe('West');
  });

  it('IIF (FX26), with nested IIF for AND and OR', () => {
    expect(
      value('IIF([country]="USA",[country],[department])', { country: 'USA', department: 'Sales' }),
    ).toBe('USA');
    expect(value('IIF([country]="USA",[country],[department])', { country: 'FR', department: 'Sales' })).toBe(
      'Sales',
    );
    const and = 'IIF([country]="USA",IIF([state]="CA","True","False"),"False")';
    const or = 'IIF([country]="USA","True",IIF([state]="CA","True","False"))';
    expect([
      value(and, { country: 'USA', state: 'CA' }),
      value(and, { country: 'USA', state: 'NY' }),
    ]).toEqual(['True', 'False']);
    expect([value(or, { country: 'FR', state: 'CA' }), value(or, { country: 'FR', state: 'NY' })]).toEqual([
      'True',
      'False',
    ]);
  });

  it('IIF: a null or empty attribute in the condition fails the check (FX26 §2)', () => {
    expect(value('IIF([country]="USA","yes","no")')).toBe('no');
    expect(value('IIF([country]<>"USA","yes","no")')).toBe('no');
    expect(value('Switch([country],[country],"","Other")')).toBe('Other');
    expect(value('Switch([country],[country],"","Other")', { country: 'FR' })).toBe('FR');
  });

  it('InStr (FX26), 1-based', () => {
    expect(value('InStr("The quick brown fox","quick")')).toBe('5');
    expect(value('InStr("repEated","e",3,vbBinaryCompare)')).toBe('7');
    expect(value('InStr("repEated","e",3,vbTextCompare)')).toBe('4');
    expect(value('InStr("abc","z")')).toBe('0');
  });

  it('IsNull, IsNullOrEmpty, IsPresent, IsString (FX26)', () => {
    expect(value('IsNull([displayName])')).toBe('True');
    expect(value('IsNull([displayName])', { displayName: '' })).toBe('False');
    expect(value('IsNullOrEmpty([displayName])', { displayName: '' })).toBe('True');
    expect(value('IsPresent([displayName])', { displayName: 'x' })).toBe('True');
    expect(value('IsString([displayName])', { displayName: 'x' })).toBe('True');
    expect(value('IsString([displayName])')).toBe('False');
  });

  it('the CAA default-if-null idiom Switch(IsPresent(...)) works because IsPresent returns "True"/"False"', () => {
    const text = 'Switch(IsPresent([jobTitle]), "DefaultValue", "True", [jobTitle])';
    expect(value(text, { jobTitle: 'Engineer' })).toBe('Engineer');
    expect(value(text)).toBe('DefaultValue');
  });

  it('Item (FX26) is 1-based; index 0 gives nothing', () => {
    const user = proxies(['SMTP:a@x', 'smtp:b@x']);
    expect(value('Item([proxyAddresses], 1)', user)).toBe('SMTP:a@x');
    expect(value('Item([proxyAddresses], 2)', user)).toBe('smtp:b@x');
    expect(evaluate('Item([proxyAddresses], 0)', user).flows).toBe(false);
  });

  it('Join (FX26) skips empty values: "Doe, John"', () => {
    expect(value('Join(", ", "", [surname], [givenName])', { givenName: 'John', surname: 'Doe' })).toBe(
      'Doe, John',
    );
    expect(value('Join(",", [proxyAddresses], "x")', proxies(['a', 'b']))).toBe('a,b,x');
  });

  it('Join (INBC): the doc shows "Tour Lead (TL-1001)" but the expression has no space; the literal result has none', () => {
    const text =
      'Join("", [title], "(", [urn:ietf:params:scim:schemas:extension:contoso:1.0:User:JobCode], ")")';
    const user = hr({
      title: 'Tour Lead',
      'urn:ietf:params:scim:schemas:extension:contoso:1.0:User': { JobCode: 'TL-1001' },
    });
    expect(value(text, user)).toBe('Tour Lead(TL-1001)');
  });

  it('Left (FX26)', () => {
    expect(value('Left("John Doe", 3)')).toBe('Joh');
    expect(value('Left("John Doe", 0)')).toBe('');
    expect(value('Left("John Doe", -1)')).toBe('John Doe');
    expect(value('Left("John", 10)')).toBe('John');
    expect(value('Left([missing], 3)')).toBe('');
  });

  it('Len (FX26)', () => {
    expect(value('Len("John Doe")')).toBe('8');
    expect(value('Len(42568)')).toBe('5');
    expect(value('Len(42568.75)')).toBe('8');
    expect(value('Len([missing])')).toBe('0');
  });

  it('Len example 2 (FX26): SmithJohn and ParkerJ', () => {
    const text = `IIF(Len([LastName]) <= 5,

  Left(Join ("",[LastName],[FirstName]),10),
  Join("", Mid([LastName],1,9), Mid([FirstName],1,1))

)`;
    expect(value(text, hr({ FirstName: 'John', LastName: 'Smith' }))).toBe('SmithJohn');
    expect(value(text, hr({ FirstName: 'John', LastName: 'Parker' }))).toBe('ParkerJ');
  });

  it('Mid (WD): 1-based, clipped at the end', () => {
    expect(value('Mid([PreferredMiddleName],1,1)', hr({ PreferredMiddleName: 'Elizabeth' }))).toBe('E');
    expect(value('Mid("abc", 2, 10)')).toBe('bc');
  });

  it('NormalizeDiacritics (FX26, WD)', () => {
    expect(value('NormalizeDiacritics([givenName])', { givenName: 'Zoë' })).toBe('Zoe');
    expect(value('NormalizeDiacritics("æ Æ ø Ø ß ł ñ ç Å")')).toBe('ae AE oe OE ss l n c A');
    expect(
      value(
        'ToLower(NormalizeDiacritics(StripSpaces(Join(".", [PreferredFirstName], [PreferredLastName]))))',
        hr({ PreferredFirstName: 'José', PreferredLastName: 'García-López' }),
      ),
    ).toBe('jose.garcia-lopez');
  });

  it('NormalizeDiacritics (WD): the doc shows "maria.josegonzalez@contoso.com" but there is no ToLower, so case is kept', () => {
    const text =
      'Join("@", NormalizeDiacritics(StripSpaces(Join(".", [PreferredFirstName], [PreferredLastName]))), "contoso.com")';
    expect(value(text, hr({ PreferredFirstName: 'María', PreferredLastName: 'José González' }))).toBe(
      'Maria.JoseGonzalez@contoso.com',
    );
  });

  it('Not (FX26, G-OBJ)', () => {
    expect(value('Not([IsSoftDeleted])')).toBe('True');
    expect(value('Not([IsSoftDeleted])', { deleted: true })).toBe('False');
    expect(value('Not("True")')).toBe('False');
    expect(value('Not([missing])')).toBe('True');
  });

  it('Now (FX26) reads the injected clock, UTC, M/d/yyyy h:mm:ss tt', () => {
    expect(value('Now()', {}, at('2021-07-02T15:33:38Z'))).toBe('7/2/2021 3:33:38 PM');
    expect(value('Now()', {}, at('2021-07-02T00:05:09Z'))).toBe('7/2/2021 12:05:09 AM');
  });

  it('NumFromDate (WD): the doc value 133835135990000000 mixes up offsets; 2025-12-31T23:59:59-08:00 is this FILETIME', () => {
    const text =
      'NumFromDate(Join("", FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd"), "T23:59:59-08:00"))';
    expect(value(text, hr({ ContractEndDate: '2025-12-31-08:00' }))).toBe('134117279990000000');
    expect(value('DateFromNum(NumFromDate("2012-01-01T23:00:00Z"))')).toBe('1/1/2012 11:00:00 PM');
  });

  it.each([
    ['PCase([firstName])', { firstName: 'PABLO GONSALVES (SECOND)' }, 'Pablo Gonsalves (Second)'],
    ['PCase([lastName]," \'-")', { lastName: "PINTO-DE'SILVA" }, "Pinto-De'Silva"],
    ['PCase(Join(" ",[firstName],[lastName]))', { firstName: 'GREGORY', lastName: 'JAMES' }, 'Gregory James'],
    ['Replace(PCase("st john\'s hospital"),"\'S", , ,"\'s", , )', {}, "St John's Hospital"],
  ])('PCase: %s (FX26, WD)', (text, extra, expected) => {
    expect(value(text, hr(extra))).toBe(expected);
  });

  it('RandomString (FX26) meets the minimums with the injected random source', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const s = value('RandomString(6,3,0,0,3)', {}, { random }) as string;
    expect(s).toHaveLength(6);
    expect(s.replace(/\D/g, '')).toHaveLength(3);
    expect(s.replace(/[^a-z]/g, '')).toHaveLength(3);
    const t = value('RandomString(10,2,2,2,1,"?,")', {}, { random }) as string;
    expect(t).toHaveLength(10);
    expect(t).not.toMatch(/[?,]/);
    expect(t.replace(/\D/g, '').length).toBeGreaterThanOrEqual(2);
    expect(t.replace(/[^A-Z]/g, '').length).toBeGreaterThanOrEqual(2);
    expect(value('RandomString(3, 3, 0, 0, 0, )', {}, { random })).toMatch(/^\d{3}$/);
  });

  it('Redact (FX26): the target gets the value, the result is marked sensitive for logs', () => {
    expect(evaluate('Redact([userPrincipalName])', { userPrincipalName: 'a@b' })).toEqual({
      flows: true,
      value: 'a@b',
      sensitive: true,
    });
  });

  it('RemoveDuplicates and Count (FX26)', () => {
    const user = proxies(['a', 'b', 'a']);
    expect(value('RemoveDuplicates([proxyAddresses])', user)).toEqual(['a', 'b']);
    expect(value('Count([proxyAddresses])', user)).toBe('3');
    expect(value('Count([missing])')).toBe('0');
  });

  it.each<[string, Record<string, string>, string, string]>([
    [
      'Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )',
      { BusinessTitle: 'Product Developer' },
      'Software Engineer',
      'FX26',
    ],
    [
      'Replace([UserID],"<username>", , , , , "<username>@contoso.com")',
      { UserID: 'jsmith' },
      'jsmith@contoso.com',
      'FX26',
    ],
    [
      'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", , "${phoneNumber}", , )',
      { telephoneNumber: '+91 9998887777' },
      '9998887777',
      'FX26',
    ],
    [
      'Replace([mobile], , "[()\\\\s-]+", , "", , )',
      { mobile: '+1 (999) 888-7777' },
      '+19998887777',
      'FX26 (the table drops the +; [()\\s-] does not match it)',
    ],
    [
      'Replace([AddressLineData], ,"(?<streetNumber>^\\\\d*)","streetNumber", "888", , )',
      { AddressLineData: '545 Tremont Street' },
      '888 Tremont Street',
      'FX26',
    ],
    [
      'Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )',
      { userPrincipalName: 'jsmith@contoso.com' },
      'jsmith',
      'FX26',
    ],
    [
      'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>\\\\d{10})", "phoneNumber" , , [mobile], )',
      { telephoneNumber: '', mobile: '+91 8887779999' },
      '8887779999',
      'FX26',
    ],
    ['Replace([mailNickname], , "[a-zA-Z_]*", , "", , )', { mailNickname: 'john_doe72' }, '72', 'FX26'],
    ['Replace([mail], "@contoso.com", , ,"", ,)', { mail: 'john.doe@contoso.com' }, 'john.doe', 'FX26'],
    ['Replace([preferredLanguage], "-", , , "_", , )', { preferredLanguage: 'EN-US' }, 'EN_US', 'G-PARSE'],
    [
      'Replace([PrimaryWorkTelephone], , "[()\\\\s-]+", , "", , )',
      { PrimaryWorkTelephone: '+1 (555) 123-4567' },
      '+15551234567',
      'WD',
    ],
    [
      'Replace([PreferredNameData], , "(?<firstName>[a-zA-Z]+ )(?<lastName>[a-zA-Z]+)", ,"${lastName}", ,)',
      { PreferredNameData: 'John Smith' },
      'Smith',
      'WD',
    ],
    [
      'Replace([WorkerID], , "(?<leadingZeros>^0+)(?<actualValue>[a-zA-Z0-9]+)", , "${actualValue}", ,)',
      { WorkerID: '00012345' },
      '12345',
      'WD',
    ],
    [
      'Join(" ",Replace([HereditarySuffix], ,"(?<CountryISOCode>.*)_(?<suffix1>.*)_(?<suffix2>.*)[0-9]", ,"${suffix1} ${suffix2}", , ),[PreferredLastName])',
      { HereditarySuffix: 'NLD_Van_der3', PreferredLastName: 'Hof' },
      'Van der Hof',
      'WD',
    ],
    [
      'Replace(Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>.*)", , "${phoneNumber}", , ), ,"[()\\\\s-]+", ,"", , )',
      { telephoneNumber: '+1 737-626-8331' },
      '7376268331',
      'WD',
    ],
    [
      'Replace([telephoneNumber], , "\\\\+(?<isdCode>\\\\d* )(?<phoneNumber>.* )[x](?<extension>.*)", , "${extension}", , )',
      { telephoneNumber: '+1 (206) 291-8163 x8125' },
      '8125',
      'WD',
    ],
    [
      'Replace([telephoneNumber], , "\\+(?<isdCode>49|44)(?<phoneNumber>.*)", , "${phoneNumber}", , )',
      { telephoneNumber: '+49301234' },
      '301234',
      'WD single-backslash form',
    ],
  ])('Replace %s', (text, fields, expected) => {
    const { mail, telephoneNumber, mobile, mailNickname, preferredLanguage, userPrincipalName, ...extra } =
      fields;
    expect(
      value(text, {
        mail,
        telephoneNumber,
        mobile,
        mailNickname,
        preferredLanguage,
        userPrincipalName,
        extra,
      }),
    ).toBe(expected);
  });

  it('SelectUniqueValue (FX26): the first rule whose value is free', () => {
    const text = `SelectUniqueValue(
    Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"),
    Join("@", NormalizeDiacritics(StripSpaces(Join(".",  Mid([PreferredFirstName], 1, 1), [PreferredLastName]))), "contoso.com"),
    Join("@", NormalizeDiacritics(StripSpaces(Join(".",  Mid([PreferredFirstName], 1, 2), [PreferredLastName]))), "contoso.com")
)`;
    const user = hr({ PreferredFirstName: 'John', PreferredLastName: 'Smith' });
    expect(value(text, user)).toBe('John.Smith@contoso.com');
    const taken = new Set(['John.Smith@contoso.com']);
    expect(value(text, user, { isUnique: (v) => !taken.has(v) })).toBe('J.Smith@contoso.com');
    taken.add('J.Smith@contoso.com');
    expect(value(text, user, { isUnique: (v) => !taken.has(v) })).toBe('Jo.Smith@contoso.com');
    expect(compileExpression(text, { allowUnknown: true }).candidates(scimUser(user))).toEqual([
      'John.Smith@contoso.com',
      'J.Smith@contoso.com',
      'Jo.Smith@contoso.com',
    ]);
  });

  it('SingleAppRoleAssignment / AppRoleAssignmentsComplex read the SCIM roles', () => {
    const user = hr({ roles: [{ value: 'Admin', primary: true }, { value: 'Reader' }] });
    expect(value('SingleAppRoleAssignment([appRoleAssignments])', user)).toBe('Admin');
    expect(value('AppRoleAssignmentsComplex([appRoleAssignments])', user)).toEqual(['Admin', 'Reader']);
  });

  it('Split (FX26)', () => {
    expect(
      value(
        'Split([extensionAttribute5], ",")',
        hr({ extensionAttribute5: 'PermissionSetOne, PermissionSetTwo' }),
      ),
    ).toEqual(['PermissionSetOne', 'PermissionSetTwo']);
    expect(
      value(
        'Split(Join(",","a8cccada-a108-47ae-bf9a-f130499aa4cb","{26491cfc-9e50-4857-861b-0cb8df22b5d7}"), ",")',
      ),
    ).toEqual(['a8cccada-a108-47ae-bf9a-f130499aa4cb', '{26491cfc-9e50-4857-861b-0cb8df22b5d7}']);
    const proxies =
      'Split(Join(",", Append("smtp:", Join("@", [mailNickname], "contoso.onmicrosoft.com")), Append("SMTP:", [mail])), ",")';
    expect(value(proxies, { mailNickname: 'John.Doe', mail: 'John.Doe@contoso.com' })).toEqual([
      'smtp:John.Doe@contoso.onmicrosoft.com',
      'SMTP:John.Doe@contoso.com',
    ]);
  });

  it('StripSpaces removes U+0020 only (FX26)', () => {
    expect(value('StripSpaces("a b\tc")')).toBe('ab\tc');
  });

  it('Switch (FX26, WD, SAPECC)', () => {
    const tz =
      'Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")';
    expect(value(tz, { state: 'QLD' })).toBe('Australia/Brisbane');
    expect(value(tz, { state: 'VIC' })).toBe('Australia/Sydney');
    expect(
      value('Switch(ToLower([statusFlag]), "0", "true", "1", "false", "0")', hr({ statusFlag: 'TRUE' })),
    ).toBe('1');
    const flag = 'Switch([statusFlag], "Default Value", "true", "1", "", "0")';
    expect(value(flag)).toBe('0');
    expect(value(flag, hr({ statusFlag: '' }))).toBe('0');
    expect(value(flag, hr({ statusFlag: 'x' }))).toBe('Default Value');
    const active = 'Switch([IsSoftDeleted], , "False", "True", "True", "False")';
    expect(value(active)).toBe('True');
    expect(value(active, { deleted: true })).toBe('False');
    expect(value(active, { accountEnabled: false })).toBe('False');
    expect(
      value('Switch([IsSoftDeleted], , "False", "9999-12-31", "True", "1990-01-01")', { deleted: true }),
    ).toBe('1990-01-01');
    expect(value('Switch([Active], , "1", "False", "0", "True")', hr({ Active: '1' }))).toBe('False');
    expect(value('Switch([Active], , "1", "True", "0", "False")', hr({ Active: '0' }))).toBe('False');
  });

  it('Switch: an omitted default with no match gives null, which does not flow (§1.2)', () => {
    expect(evaluate('Switch([Active], , "1", "True", "0", "False")', hr({ Active: '7' }))).toEqual({
      flows: false,
      value: null,
    });
  });

  it('Switch is case-sensitive', () => {
    expect(value('Switch([x], "none", "a", "lower")', hr({ x: 'A' }))).toBe('none');
  });

  it('Switch with a default built from attributes (WD country display name)', () => {
    const text = `Switch([CountryReferenceTwoLetter],
    Join(" ", [PreferredFirstName], [PreferredLastName]),
    "HU", Join(",", [PreferredLastName], [PreferredFirstName]),
    "JP", Join(",", [PreferredLastName], [PreferredFirstName]),
    "KR", Join(",", [PreferredLastName], [PreferredFirstName])
)`;
    expect(
      value(
        text,
        hr({ CountryReferenceTwoLetter: 'JP', PreferredFirstName: 'Hiroshi', PreferredLastName: 'Tanaka' }),
      ),
    ).toBe('Tanaka,Hiroshi');
    expect(
      value(
        text,
        hr({ CountryReferenceTwoLetter: 'US', PreferredFirstName: 'John', PreferredLastName: 'Smith' }),
      ),
    ).toBe('John Smith');
  });

  it('ToLower / ToUpper (FX26, SAPECC), with an optional culture', () => {
    expect(
      value(
        'ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"))',
        hr({ PreferredFirstName: 'John', PreferredLastName: 'Smith' }),
      ),
    ).toBe('john.smith@contoso.com');
    expect(
      value('ToUpper(Word([userPrincipalName], 1, "@"), )', { userPrincipalName: 'jdoe@contoso.com' }),
    ).toBe('JDOE');
    expect(value('ToUpper("i", "tr-TR")')).toBe('İ');
  });

  it('Word (FX26)', () => {
    expect(value('Word("The quick brown fox",3," ")')).toBe('brown');
    expect(value('Word("This,string!has&many separators",3,",!&#")')).toBe('has');
    expect(value('Word("a b",5," ")')).toBe('');
    expect(value('Word([missing],1," ")')).toBe('');
  });
});

describe('Workday composite vectors (WD)', () => {
  const now = at('2025-07-30T12:00:00Z');

  it('rehire: the doc intends "False" before the hire date, but the expression as written gives the opposite', () => {
    const text =
      'Switch([Active], , "1", IIF([StatusRehire]=1, IIF(DateDiff("d", Now(), CDate([StatusHireDate])) >= 0, "True", "False"), "True"), "0", "False")';
    // DateDiff("d", Now(), hire) >= 0 means "hire today or later" and its branch is "True": literal semantics.
    expect(value(text, hr({ Active: '1', StatusRehire: '1', StatusHireDate: '2025-08-15' }), now)).toBe(
      'True',
    );
    expect(value(text, hr({ Active: '1', StatusRehire: '1', StatusHireDate: '2025-07-15' }), now)).toBe(
      'False',
    );
    // The stated intent needs the branches swapped; that expression gives the documented outputs.
    const intended =
      'Switch([Active], , "1", IIF([StatusRehire]=1, IIF(DateDiff("d", Now(), CDate([StatusHireDate])) >= 0, "False", "True"), "True"), "0", "False")';
    expect(value(intended, hr({ Active: '1', StatusRehire: '1', StatusHireDate: '2025-08-15' }), now)).toBe(
      'False',
    );
    expect(value(intended, hr({ Active: '1', StatusRehire: '1', StatusHireDate: '2025-07-15' }), now)).toBe(
      'True',
    );
  });

  it('pre-hire: enabled 14 days ahead', () => {
    const text =
      'Switch([Active], , "1", IIF(DateDiff("d", Now(), CDate([StatusHireDate])) <= 14, "True", "False"), "0", "False")';
    expect(value(text, hr({ Active: '1', StatusHireDate: '2025-08-10' }), now)).toBe('True');
    expect(value(text, hr({ Active: '1', StatusHireDate: '2025-09-15' }), now)).toBe('False');
  });

  it('rescind/terminate nested Switch', () => {
    const text = `Switch([StatusTerminated], "False", "1", "True", "0",
    Switch([StatusHireRescinded], "False", "1", "True", "0",
       Switch([Active], "False",
           "1", IIF(DateDiff("d", Now(), CDate(IIF(IsNullOrEmpty([StatusHireDate]), "9999-01-01", [StatusHireDate]))) < 7, "False", "True"),
           "0", "True"
           )
      )
  )`;
    const base = { StatusTerminated: '0', StatusHireRescinded: '0', Active: '1' };
    expect(value(text, hr({ ...base, StatusTerminated: '1' }), now)).toBe('True');
    expect(value(text, hr({ ...base, StatusHireRescinded: '1' }), now)).toBe('True');
    expect(value(text, hr({ ...base, StatusHireDate: '2025-08-01' }), now)).toBe('False');
    expect(value(text, hr({ ...base, StatusHireDate: '2025-09-01' }), now)).toBe('True');
    expect(value(text, hr(base), now)).toBe('True');
  });

  it('leaver OU', () => {
    const text =
      'IIF(DateDiff("d", Now(),CDate(Switch([StatusTerminationLastDayOfWork],[StatusTerminationLastDayOfWork], "","9999-12-31"))) <= 0, "OU=Leavers,OU=Users,DC=contoso,DC=com", Switch([City], "OU=Default,OU=Users,DC=contoso,DC=com", "Dallas", "OU=Dallas,OU=Users,DC=contoso,DC=com"))';
    // [City] is Entra's city: the work address locality in our directory.
    expect(
      value(text, { city: 'Dallas', extra: { StatusTerminationLastDayOfWork: '2025-07-01' } }, now),
    ).toBe('OU=Leavers,OU=Users,DC=contoso,DC=com');
    expect(value(text, { city: 'Dallas' }, now)).toBe('OU=Dallas,OU=Users,DC=contoso,DC=com');
    expect(value(text, { city: 'Chicago' }, now)).toBe('OU=Default,OU=Users,DC=contoso,DC=com');
  });

  it('IgnoreAttributeFlow and IgnoreObjectFlow in IIF', () => {
    const attr = 'IIF(DateDiff("d", Now(), CDate([StatusHireDate])) >= 0, [Department], IgnoreAttributeFlow)';
    expect(evaluate(attr, { department: 'Ops', extra: { StatusHireDate: '2025-08-01' } }, now)).toEqual({
      flows: true,
      value: 'Ops',
    });
    expect(evaluate(attr, { department: 'Ops', extra: { StatusHireDate: '2025-07-01' } }, now)).toEqual({
      flows: false,
      value: null,
    });
    const obj = 'IIF(DateDiff("d", Now(), CDate([StatusHireDate])) <= 14, "False", IgnoreObjectFlow)';
    expect(evaluate(obj, hr({ StatusHireDate: '2025-12-01' }), now)).toEqual({
      flows: false,
      value: null,
      ignoreObject: true,
    });
  });

  it('writeback gate (WD)', () => {
    const text =
      'IgnoreFlowIfNullOrEmpty(IIF(DateDiff("d", Now(), CDate([employeeHireDate])) > 0, "", [userPrincipalName]))';
    expect(
      evaluate(text, { employeeHireDate: '2025-09-01T00:00:00Z', userPrincipalName: 'a@b' }, now).flows,
    ).toBe(false);
    expect(value(text, { employeeHireDate: '2025-07-01T00:00:00Z', userPrincipalName: 'a@b' }, now)).toBe(
      'a@b',
    );
  });

  it('unique UPN for API-driven inbound', () => {
    const text =
      'Join("", Replace([userName], , "(?<Suffix>@(.)*)", "Suffix", "", , ), RandomString(3, 3, 0, 0, 0, ), "@", DefaultDomain())';
    expect(
      value(
        text,
        { userPrincipalName: 'jdoe@hr.example' },
        { random: () => 0.1, defaultDomain: 'contoso.com' },
      ),
    ).toBe('jdoe111@contoso.com');
  });
});

describe('null, empty and missing (§2)', () => {
  it('"" flows, null does not', () => {
    expect(evaluate('[displayName]', { displayName: '' })).toEqual({ flows: true, value: '' });
    expect(evaluate('[displayName]')).toEqual({ flows: false, value: null });
  });

  it('Coalesce treats "" as a value', () => {
    expect(value('Coalesce([displayName], "x")', { displayName: '' })).toBe('');
    expect(value('Coalesce([a], [b], "default")')).toBe('default');
    expect(evaluate('Coalesce([a], [b])').flows).toBe(false);
  });

  it('functions of null give null (nothing flows), except Left/Word ("") and Len (0)', () => {
    for (const text of [
      'ToLower([x])',
      'Append([x], "s")',
      'Mid([x], 1, 2)',
      'Replace([x], "a", , , "b", , )',
      'CDate([x])',
      'Join(",", [x], [y])',
    ]) {
      expect(evaluate(text)).toEqual({ flows: false, value: null });
    }
  });

  it('multi-valued values map element-wise through string functions', () => {
    expect(value('ToUpper([proxyAddresses])', proxies(['a', 'b']))).toEqual(['A', 'B']);
  });

  it('evaluates against the full current record, not a delta (FX24 Switch caution)', () => {
    const compiled = compileExpression(
      'switch([companyName], [companyName], "Company A", "A", "Company B", "B")',
    );
    const user = scimUser({
      extra: { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { organization: 'Company A' } },
    });
    expect(compiled.evaluate(user).value).toBe('A');
    expect(compiled.evaluate(user).value).toBe('A');
  });
});
