import { auditJson, changedFields } from './audit-fields';

describe('audit fields', () => {
  it('keeps only the fields whose values differ, old and new', () => {
    expect(
      changedFields(
        { name: 'a', paused: false, auth: { type: 'bearer' }, gone: 1 },
        { name: 'a', paused: true, auth: { type: 'bearer' }, added: 2 },
      ),
    ).toEqual({ before: { paused: false, gone: 1 }, after: { paused: true, added: 2 } });
  });

  it('masks secret fields at any depth, whatever value a caller passed', () => {
    const json = auditJson({
      auth: { type: 'oauth2', clientSecret: 's3cr3t' },
      token: 'scgw_abc',
      name: 'x',
    });
    expect(json).not.toMatch(/s3cr3t|scgw_abc/);
    expect(JSON.parse(json!)).toEqual({
      auth: { type: 'oauth2', clientSecret: 'changed' },
      token: 'changed',
      name: 'x',
    });
  });

  it('leaves null as null and replaces a side too large for the column by a note', () => {
    expect(auditJson(null)).toBeNull();
    expect(JSON.parse(auditJson({ big: 'x'.repeat(70_000) })!)).toEqual({
      omitted: 'larger than 65535 bytes',
    });
  });
});
