import { ADVICE, causeOf, describeIgnored, summarizeIgnored } from './ignored-changes';

const DEPT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department';
const patch = { method: 'PATCH' as const, kept: [] as string[], resourceKeys: ['id', 'userName'] };

describe('causeOf', () => {
  it('blames capitalised ops when nothing sent with them was kept', () => {
    expect(causeOf('title', { ...patch, profile: 'entra' })).toBe('capitalised_ops');
    expect(causeOf(DEPT, { ...patch, profile: 'entra-legacy' })).toBe('capitalised_ops');
  });

  it('blames the extension path when a core attribute beside it was kept, or the ops were lowercase', () => {
    expect(causeOf(DEPT, { ...patch, profile: 'entra', kept: ['title'] })).toBe('extension_path');
    expect(causeOf(DEPT, { ...patch, profile: 'rfc' })).toBe('extension_path');
  });

  it('blames the extension path when the target holds it under its own name', () => {
    expect(causeOf(DEPT, { ...patch, profile: 'entra', resourceKeys: ['id', DEPT.toLowerCase()] })).toBe(
      'extension_path',
    );
  });

  it('knows no pattern for a PUT, or a core attribute sent with lowercase ops', () => {
    expect(causeOf('title', { ...patch, method: 'PUT', profile: 'entra' })).toBe('not_kept');
    expect(causeOf('title', { ...patch, profile: 'rfc' })).toBe('not_kept');
  });
});

describe('describeIgnored', () => {
  it('groups the attributes by cause, each with its advice', () => {
    const text = describeIgnored({ title: 'capitalised_ops', [DEPT]: 'extension_path' });
    expect(text).toContain(`title: ${ADVICE.capitalised_ops}`);
    expect(text).toContain(`${DEPT}: ${ADVICE.extension_path}`);
  });
});

describe('summarizeIgnored', () => {
  it('counts objects per attribute and keeps the latest time', () => {
    const entry = (seenAt: string) => ({
      hash: 'h',
      cause: 'capitalised_ops' as const,
      sentWith: 'entra/PATCH',
      seenAt,
    });
    expect(
      summarizeIgnored([
        { title: entry('2026-12-01T00:00:00.000Z') },
        { title: entry('2026-12-03T00:00:00.000Z'), [DEPT]: entry('2026-12-02T00:00:00.000Z') },
      ]),
    ).toEqual({
      objects: 2,
      lastSeenAt: '2026-12-03T00:00:00.000Z',
      attributes: [
        { attribute: 'title', cause: 'capitalised_ops', objects: 2, advice: ADVICE.capitalised_ops },
        { attribute: DEPT, cause: 'capitalised_ops', objects: 1, advice: ADVICE.capitalised_ops },
      ],
    });
  });
});
