import type { MappingSource } from '../expression/attribute-resolver';
import { ENTERPRISE_USER_SCHEMA as ENT, ENTRA_USER_SCHEMA as ENTRA } from '../expression/scim-attributes';
import { defaultMappingSet } from './default-mapping-set';
import { applyMappingSet, compileMappingSet } from './mapping-set';
import type { AttributeMapping } from './mapping-set.types';

const BENCH = 'urn:ietf:params:scim:schemas:extension:bench:1.0:User';

/** Ten realistic expression mappings on top of the default set (issue 4, "Tests and benchmark"). */
export const BENCH_EXPRESSIONS: readonly AttributeMapping[] = [
  [
    'nickName',
    'Join(".", ToLower(NormalizeDiacritics([givenName])), ToLower(NormalizeDiacritics([surname])))',
  ],
  [
    'userType',
    'Switch([department], "Staff", "Engineering", "Engineer", "Sales", "Seller", "Operations", "Operator")',
  ],
  ['phoneNumbers[type eq "other"].value', 'Replace([telephoneNumber], , "[()\\\\s-]+", , "", , )'],
  [`${BENCH}:hireDate`, 'FormatDateTime([employeeHireDate], , "yyyy-MM-dd\'T\'HH:mm:ssK", "yyyy-MM-dd")'],
  ['locale', 'IIF([country]="US", "en-US", Coalesce([preferredLanguage], "en-GB"))'],
  [`${BENCH}:initials`, 'Join("", Left([givenName], 1), Left([surname], 1))'],
  [`${BENCH}:properName`, 'PCase(Join(" ", [givenName], [surname]))'],
  [`${BENCH}:upnPrefix`, 'ToUpper(Word([userPrincipalName], 1, "@"))'],
  [`${BENCH}:tenureDays`, 'DateDiff("d", CDate([employeeHireDate]), Now())'],
  [`${BENCH}:mailAlias`, 'Replace([mail], , "(?<Suffix>@(.)*)", "Suffix", "", , )'],
].map(([targetAttribute, source]) => ({ targetAttribute, type: 'Expression', source, apply: 'Always' }));

const GIVEN = [
  'José',
  'Zoë',
  'Anna',
  'Björn',
  'Chloé',
  'Dmitri',
  'Emma',
  'François',
  'Grace',
  'Håkon',
  'Ines',
  'Jürgen',
];
const FAMILY = [
  'García-López',
  'Smith',
  'Müller',
  'Øster',
  'Nguyen',
  "O'Brien",
  'Kowalski',
  'Dubois',
  'Tanaka',
  'Rossi',
];
const DEPARTMENTS = ['Engineering', 'Sales', 'Operations', 'Finance', 'Legal'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'JP'];

/** A varied, realistic HR user as our directory stores it; some attributes missing on purpose. */
export function syntheticUser(i: number): MappingSource {
  const given = GIVEN[i % GIVEN.length];
  const family = FAMILY[(i * 7) % FAMILY.length];
  const upn = `${given}.${family}${i}@contoso.com`.toLowerCase();
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    deleted: i % 50 === 0,
    doc: {
      userName: upn,
      name: { givenName: given, familyName: family },
      displayName: `${given} ${family}`,
      title: i % 3 ? 'Engineer' : 'Manager',
      active: i % 17 !== 0,
      ...(i % 4 ? { preferredLanguage: 'en-US' } : {}),
      emails: [{ value: upn, type: 'work', primary: true }],
      phoneNumbers: [
        {
          value: `+1 (555) ${String(i % 1000).padStart(3, '0')}-${String(i % 10000).padStart(4, '0')}`,
          type: 'work',
        },
        ...(i % 2 ? [{ value: `+1 555 ${i % 10000}`, type: 'mobile' }] : []),
      ],
      addresses: [
        {
          type: 'work',
          streetAddress: `${i} Main St`,
          locality: 'Springfield',
          region: 'IL',
          postalCode: '62701',
          country: COUNTRIES[i % 5],
        },
      ],
      [ENT]: {
        employeeNumber: String(100000 + i),
        costCenter: `CC${i % 40}`,
        organization: 'Contoso',
        division: `D${i % 7}`,
        department: DEPARTMENTS[i % 5],
        manager: { value: `00000000-0000-4000-8000-${String(i % 1000).padStart(12, '0')}` },
      },
      [ENTRA]: { employeeHireDate: `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}T08:00:00Z` },
    },
  };
}

/**
 * Users mapped per second on one core through `defaultMappingSet()` plus ten expression mappings: scope,
 * every mapping, the target payload. Compilation and the synthetic users are made before timing.
 */
/**
 * Maps `users` users (a pool of 20,000 synthetic ones, round and round) and times it. `errors`: users of the pool
 * whose mapping reported errors, counted in the warm-up that maps each once (a mapping that fails is not the one
 * being timed).
 */
export async function benchMapping(
  users = 200_000,
): Promise<{ usersPerSecond: number; users: number; errors: number }> {
  const set = defaultMappingSet();
  set.users.attributes = [...set.users.attributes, ...BENCH_EXPRESSIONS];
  const compiled = compileMappingSet(set, { extensionSchemas: [BENCH] });
  const pool = Array.from({ length: 20_000 }, (_, i) => syntheticUser(i));
  const now = new Date('2025-07-30T12:00:00Z');
  const options = { phase: 'create' as const, ctx: { now: () => now } };

  let sink = 0;
  let errors = 0;
  for (let i = 0; i < pool.length; i++) {
    const result = applyMappingSet(compiled, pool[i], options);
    sink += result.dropped.length;
    if (result.errors.length > 0) errors++;
  }
  await new Promise((resolve) => setImmediate(resolve));

  const start = process.hrtime.bigint();
  for (let i = 0; i < users; i++) {
    const result = applyMappingSet(compiled, pool[i % pool.length], options);
    sink += result.dropped.length + result.errors.length;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) throw new Error('unreachable: keeps the results alive');
  return { usersPerSecond: Math.round(users / seconds), users, errors };
}

if (require.main === module) {
  void benchMapping().then(({ usersPerSecond, users }) => {
    console.log(
      `mapping: ${usersPerSecond.toLocaleString('en-US')} users/s (${users.toLocaleString('en-US')} users, default set + 10 expressions)`,
    );
  });
}
