import { ENTERPRISE_USER_SCHEMA } from '../../scim-protocol';
import { managerOf, withManager } from './manager-reference';

describe('manager reference', () => {
  const mapped = () => ({
    userName: 'ann@example.com',
    [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: 'dir-boss' } },
  });

  it("reads the manager's directory id, and nothing from a payload without one", () => {
    expect(managerOf(mapped())).toBe('dir-boss');
    expect(managerOf({ userName: 'x' })).toBeUndefined();
    expect(managerOf({ [ENTERPRISE_USER_SCHEMA]: { manager: { value: 42 } } })).toBeUndefined();
  });

  it("puts the target's id in a copy, the rest of the extension kept and the mapped payload untouched", () => {
    const given = mapped();
    expect(withManager(given, 'app-77')).toEqual({
      userName: 'ann@example.com',
      [ENTERPRISE_USER_SCHEMA]: { department: 'Sales', manager: { value: 'app-77' } },
    });
    expect(given).toEqual(mapped());
  });

  it('leaves the manager out while the target does not have it: never the directory id', () => {
    const given = mapped();
    expect(withManager(given, null)).toEqual({
      userName: 'ann@example.com',
      [ENTERPRISE_USER_SCHEMA]: { department: 'Sales' },
    });
    expect(given).toEqual(mapped());
  });
});
