import { InvalidFilterError } from '../../common/errors';
import { normalizeResource } from '../schema/resource.normalizer';
import { SchemaRegistry } from '../schema/schema.registry';
import { ENTERPRISE_USER_SCHEMA, type ScimDocument, type SchemaDefinition } from '../schema/schema.types';
import { type Json, readRfcSample, readScimmyFixture } from '../testing/test-data.fixture';
import { parseFilter } from './filter.parser';
import { compileMatcher, matchesFilter } from './filter.evaluator';

const FIXTURE_SCHEMA = 'urn:test:params:scim:schemas:extension:scimmy:1.0:User';
const attribute = (name: string, type: 'integer' | 'dateTime' | 'boolean') => ({
  name,
  type,
  multiValued: false,
  required: false,
  caseExact: false,
  mutability: 'readWrite' as const,
  returned: 'default' as const,
  uniqueness: 'none' as const,
});
const fixtureSchema: SchemaDefinition = {
  id: FIXTURE_SCHEMA,
  name: 'Scimmy',
  attributes: [attribute('number', 'integer'), attribute('date', 'dateTime'), attribute('exists', 'boolean')],
};

/** SCIMMY's match expressions, written as the filter text they stand for. */
function toFilter(expression: Json, parent = ''): string {
  if (Array.isArray(expression)) return expression.map((e) => `(${toFilter(e, parent)})`).join(' or ');
  return Object.entries(expression as Record<string, Json>)
    .map(([key, value]) => term(parent ? key : key, value))
    .join(' and ');
}

function term(path: string, value: Json): string {
  if (!Array.isArray(value)) return `${path}[${toFilter(value, path)}]`;
  if (Array.isArray(value[0])) return value.map((c: Json) => condition(path, c)).join(' and ');
  if (typeof value[0] === 'object' && value[0] !== null) return `${path}[${toFilter(value[0], path)}]`;
  return condition(path, value);
}

function condition(path: string, spec: Json[]): string {
  if (String(spec[0]).toLowerCase() === 'not') return `not (${condition(path, spec.slice(1))})`;
  const [op, value] = spec;
  return op === 'pr' || op === 'np' ? `${path} ${op}` : `${path} ${op} ${JSON.stringify(value)}`;
}

describe('matchesFilter', () => {
  describe('SCIMMY filter.json match vectors', () => {
    const registry = new SchemaRegistry();
    registry.registerExtension(fixtureSchema, 'User');
    const { source, targets } = readScimmyFixture('filter.json').match;
    const docs: ScimDocument[] = source.map((s: Json) => {
      const { id, date, number, exists, ...core } = s;
      const body = { ...core, [FIXTURE_SCHEMA]: { date, number, exists } };
      return { ...normalizeResource(registry, 'User', body, { mode: 'create' }).doc, id: String(id) };
    });
    // Where RFC 7643 differs from SCIMMY: userName and formatted names are caseExact=false (§4.1.1), so "A" also
    // finds "MeganB"; SCIMMY-only operators (np, un) and values of the wrong type are invalidFilter errors.
    const overrides: Record<string, number[] | 'invalidFilter'> = {
      'userName co "A"': [1, 2, 4],
      '(date gt "2021-09-08") or (userName co "a")': [1, 2, 4],
      'userName co "A" and name[formatted co "a"]': [1, 2, 4],
      'userName np': 'invalidFilter',
      'exists np': 'invalidFilter',
      'userName un "AdeleV"': 'invalidFilter',
      'exists eq "falsey"': 'invalidFilter',
      'number eq "6"': 'invalidFilter',
      'number ne "6"': 'invalidFilter',
      'number gt "9"': 'invalidFilter',
      'number ge "9"': 'invalidFilter',
      'number lt "6"': 'invalidFilter',
      'number le "6"': 'invalidFilter',
    };
    const cases = Object.entries(
      targets as Record<string, { expression: Json; expected: number[] }[]>,
    ).flatMap(([group, list]) => list.map((t) => [group, toFilter(t.expression), t.expected] as const));

    it.each(cases)('%s: %s', (_group, filter, expected) => {
      const want = overrides[filter] ?? expected;
      if (want === 'invalidFilter') {
        expect(() => compileMatcher(parseFilter(filter), registry, 'User')).toThrow(InvalidFilterError);
        return;
      }
      const matcher = compileMatcher(parseFilter(filter), registry, 'User');
      expect(docs.filter(matcher).map((d) => Number(d.id))).toEqual(want);
    });

    it('translates every vector and applies every override', () => {
      expect(cases.length).toBe(59);
      expect(Object.keys(overrides).every((f) => cases.some(([, filter]) => filter === f))).toBe(true);
    });
  });

  describe('on the RFC 7643 §8.3 enterprise user', () => {
    const registry = new SchemaRegistry();
    const doc = {
      ...normalizeResource(registry, 'User', readRfcSample('rfc7643-8.3-enterprise_user.json'), {
        mode: 'create',
      }).doc,
      id: '2819c223-7f76-453a-919d-413861904646',
      meta: {
        created: '2010-01-23T04:56:22.000Z',
        lastModified: '2011-05-13T04:42:34.000Z',
        resourceType: 'User',
      },
    };
    const matches = (filter: string) => matchesFilter(parseFilter(filter), doc, registry, 'User');

    it.each([
      ['userName eq "BJENSEN@example.com"', true],
      ['externalId eq "701984"', true],
      ['externalId eq 701984', true],
      ['id eq "2819C223-7F76-453A-919D-413861904646"', false],
      ['name.FamilyName co "ens"', true],
      ['emails.Value ew "@EXAMPLE.COM"', true],
      ['emails co "jensen.org"', true],
      ['emails[type eq "work" and value co "@example.com"]', true],
      ['emails[type eq "home"].primary eq true', false],
      ['emails[type eq "work"].primary eq "True"', true],
      ['emails.type ne "work"', true],
      ['ims.type ne "aim"', false],
      ['nickName ne "Babs"', false],
      ['userType ne "Contractor"', true],
      ['profileUrl pr', true],
      ['password pr', false],
      ['preferredLanguage eq null', false],
      ['entitlements eq null', true],
      ['entitlements.value ne "x"', true],
      ['not (active eq false)', true],
      ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations"', true],
      ['manager eq "26118915-6090-4610-87e4-49d8ca9f808d"', true],
      ['manager.value sw "26118915-6090-4610-87E4"', false],
      ['meta.created lt "2010-01-23T05:56:22+00:30"', true],
      ['meta.lastModified gt "2011"', true],
      ['meta.lastModified eq "2011-05-13T04:42:34Z"', true],
      ['meta.resourceType eq "User"', true],
      ['meta.resourceType eq "user"', false],
      [`schemas eq "${ENTERPRISE_USER_SCHEMA}"`, true],
      ['addresses[type eq "work" and postalCode sw "916"]', true],
      ['name[givenName eq "barbara"]', true],
      ['title gt "Tour"', true],
      ['title gt "tour guide"', false],
    ])('%s → %s', (filter, expected) => {
      expect(matches(filter)).toBe(expected);
    });

    it.each([
      ['active gt true', /booleans support only eq and ne/],
      ['active eq "yes"', /must be a boolean/],
      ['meta.created gt "yesterday"', /xsd:dateTime/],
      ['x509Certificates.value gt "a"', /binary/],
      ['name eq "x"', /complex/],
      ['nickName gt null', /null/],
      ['bogus eq "x"', /Unknown attribute 'bogus'/],
      ['emails[bogus eq "x"]', /Unknown attribute 'emails.bogus'/],
      ['userName[value eq "x"]', /needs a complex attribute/],
      // Checked up front, whatever the data: the invalid right operand of an `or` still fails.
      ['userName pr or active gt false', /booleans/],
    ])('%s is an invalidFilter error', (filter, message) => {
      expect(() => matches(filter)).toThrow(InvalidFilterError);
      expect(() => matches(filter)).toThrow(message);
    });
  });
});
