import { decideLifecycle, DecisionInput } from './lifecycle-decision';

const base: DecisionInput = {
  objectType: 'User',
  exists: true,
  softDeleted: false,
  active: true,
  scope: { inScope: true },
  ignoreObject: false,
  provisioned: { targetObjectId: null, status: 'none' },
  actions: { create: true, update: true, delete: true },
  target: { deprovisionAction: 'disable', skipOutOfScopeDeletions: false, provisionGroups: true },
};
const inTarget = { targetObjectId: 't1', status: 'active' as const };

describe('decideLifecycle', () => {
  it('joiner: create; disabled or unscoped joiners are skipped with a reason', () => {
    expect(decideLifecycle(base)).toEqual({ kind: 'create' });
    expect(decideLifecycle({ ...base, active: false })).toMatchObject({ kind: 'skip', reason: 'not_active' });
    expect(
      decideLifecycle({
        ...base,
        scope: { inScope: false, reason: 'r', failures: [{ attribute: 'employeeHireDate' }] },
      }),
    ).toMatchObject({ kind: 'skip', reason: 'not_yet_hired' });
    expect(decideLifecycle({ ...base, actions: { ...base.actions, create: false } })).toMatchObject({
      reason: 'action_disabled',
    });
  });

  it('mover: update; leaving scope disables or deletes per target, unless skipped', () => {
    expect(decideLifecycle({ ...base, provisioned: inTarget })).toEqual({ kind: 'update' });
    const out = { ...base, provisioned: inTarget, scope: { inScope: false, reason: 'dept' } };
    expect(decideLifecycle(out)).toMatchObject({ kind: 'disable' });
    expect(
      decideLifecycle({ ...out, target: { ...base.target, deprovisionAction: 'delete' } }),
    ).toMatchObject({ kind: 'delete' });
    expect(
      decideLifecycle({ ...out, target: { ...base.target, skipOutOfScopeDeletions: true } }),
    ).toMatchObject({
      reason: 'skip_out_of_scope_deletions',
    });
  });

  it('leaver: soft delete disables, purge deletes; nothing to do for objects the target never had', () => {
    expect(decideLifecycle({ ...base, provisioned: inTarget, softDeleted: true })).toMatchObject({
      kind: 'disable',
    });
    expect(decideLifecycle({ ...base, provisioned: inTarget, exists: false })).toMatchObject({
      kind: 'delete',
    });
    expect(decideLifecycle({ ...base, exists: false })).toMatchObject({ reason: 'not_provisioned' });
    expect(
      decideLifecycle({
        ...base,
        provisioned: inTarget,
        exists: false,
        actions: { ...base.actions, delete: false },
      }),
    ).toMatchObject({ reason: 'action_disabled' });
    expect(
      decideLifecycle({ ...base, objectType: 'Group', target: { ...base.target, provisionGroups: false } }),
    ).toMatchObject({
      reason: 'groups_not_provisioned',
    });
  });

  it('leaver in doubt (a create may have reached the target unrecorded): the leaver path after a lookup', () => {
    const doubt = { targetObjectId: null, status: 'none' as const, inDoubt: true };
    expect(decideLifecycle({ ...base, provisioned: doubt, active: false })).toEqual({
      kind: 'disable',
      reason: 'disabled',
      why: 'disabled in the directory (active false)',
      ifAbsent: { reason: 'not_active', detail: expect.stringContaining('never provisioned') },
    });
    expect(
      decideLifecycle({
        ...base,
        provisioned: doubt,
        assigned: false,
        target: { ...base.target, deprovisionAction: 'delete' },
      }),
    ).toMatchObject({ kind: 'delete', reason: 'unassigned', ifAbsent: { reason: 'not_provisioned' } });
    expect(decideLifecycle({ ...base, provisioned: doubt, exists: false })).toMatchObject({
      kind: 'delete',
      reason: 'purged',
      ifAbsent: { reason: 'not_provisioned' },
    });
    // Not a leaver: a create looks up first anyway. Known in the target: no doubt to resolve.
    expect(decideLifecycle({ ...base, provisioned: doubt })).toEqual({ kind: 'create' });
    expect(
      decideLifecycle({ ...base, provisioned: { ...inTarget, inDoubt: true }, active: false }),
    ).not.toHaveProperty('ifAbsent');
    expect(
      decideLifecycle({
        ...base,
        provisioned: doubt,
        scope: { inScope: false, reason: 'dept' },
        target: { ...base.target, skipOutOfScopeDeletions: true },
      }),
    ).toMatchObject({ kind: 'skip', reason: 'skip_out_of_scope_deletions' });
  });
});
