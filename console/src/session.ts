/**
 * The admin token of this browser tab: in sessionStorage only (gone when the tab closes), never in a cookie, a URL
 * or localStorage, never printed.
 */
const KEY = 'scim-gateway.console.token';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function storeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Storage unavailable: nothing was kept.
  }
}
