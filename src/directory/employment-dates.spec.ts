import { employmentDates } from './employment-dates';

const ENTRA = 'urn:ietf:params:scim:schemas:extension:Microsoft:Entra:2.0:User';
const dates = (entra: Record<string, unknown>) => employmentDates({ userName: 'a', [ENTRA]: entra });

describe('employmentDates', () => {
  it('reads an ISO date-time with an offset as that instant', () => {
    expect(dates({ employeeHireDate: '2027-01-04T08:00:00+02:00' }).hireAt?.toISOString()).toBe(
      '2027-01-04T06:00:00.000Z',
    );
  });

  it('takes a bare date, or a date-time without a zone, as UTC', () => {
    expect(dates({ employeeHireDate: '2027-01-04' }).hireAt?.toISOString()).toBe('2027-01-04T00:00:00.000Z');
    expect(dates({ employeeLeaveDateTime: '2028-06-30T17:00' }).leaveAt?.toISOString()).toBe(
      '2028-06-30T17:00:00.000Z',
    );
  });

  it('gives null for a missing, unparsable or non-string value', () => {
    expect(employmentDates({ userName: 'a' })).toEqual({ hireAt: null, leaveAt: null });
    expect(dates({ employeeHireDate: 'next monday', employeeLeaveDateTime: 20280630 })).toEqual({
      hireAt: null,
      leaveAt: null,
    });
    expect(dates({ employeeHireDate: '2027-02-30' }).hireAt).toBeNull();
  });
});
