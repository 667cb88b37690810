/** The transport rule for target URLs (issue #5): `https` only, except loopback or when explicitly allowed. */
import { InvalidRequestError } from '../../common/errors';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}

/** Parses `raw` and throws InvalidRequestError naming `label` when the URL is not acceptable. */
export function assertTargetUrl(raw: string, label: string, allowInsecureHttp = false): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidRequestError(`${label} is not a valid URL`);
  }
  if (url.username || url.password) {
    throw new InvalidRequestError(`${label} must not carry credentials; configure the target's auth instead`);
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol !== 'http:') throw new InvalidRequestError(`${label} must use https`);
  if (!allowInsecureHttp && !isLoopbackHost(url.hostname)) {
    throw new InvalidRequestError(`${label} must use https (plain http is allowed only for loopback hosts)`);
  }
  return url;
}
