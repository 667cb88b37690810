/**
 * The enterprise manager in a mapped payload: a directory id, which the target knows by its own id. Pure: the
 * executor finds the target's id (or finds the manager is not there yet) and calls these.
 */
import { ENTERPRISE_USER_SCHEMA } from '../../scim-protocol';

/** The manager's directory id, if the payload names one. */
export function managerOf(payload: Record<string, unknown>): string | undefined {
  const ext = payload[ENTERPRISE_USER_SCHEMA] as { manager?: { value?: unknown } } | undefined;
  return typeof ext?.manager?.value === 'string' ? ext.manager.value : undefined;
}

/**
 * The payload with its manager as the target's id, or without one (null: not in the target yet, so nothing the
 * target would misread is sent). A copy of the parts it changes; the mapped payload is left as it was.
 */
export function withManager(
  payload: Record<string, unknown>,
  targetId: string | null,
): Record<string, unknown> {
  const { manager: _dropped, ...ext } = payload[ENTERPRISE_USER_SCHEMA] as Record<string, unknown>;
  return {
    ...payload,
    [ENTERPRISE_USER_SCHEMA]: targetId === null ? ext : { ...ext, manager: { value: targetId } },
  };
}
