/** Failure injection for the fake target: canned responses, dropped connections and slow answers, per path or global. */

export interface FaultScope {
  /** A string matches paths that start with it (`/Users`); paths are relative to the SCIM base. */
  path?: string | RegExp;
  method?: string;
  /** Only requests (or `/Bulk` operations) whose parsed body this accepts. */
  where?: (body: unknown) => boolean;
}

export interface InjectedResponse {
  status: number;
  /** An object is sent as SCIM JSON, a string as-is (text/html unless `contentType` says otherwise). */
  body?: unknown;
  /** Seconds, or an HTTP date. */
  retryAfter?: number | string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** `loseAnswer`: the request is carried out, then the connection dropped: the client never learns it worked. */
export type FaultAction =
  { kind: 'respond'; response: InjectedResponse } | { kind: 'drop' } | { kind: 'loseAnswer' };

interface Rule {
  action: FaultAction;
  remaining: number;
  scope: FaultScope;
}

export class FaultPlan {
  private rules: Rule[] = [];
  private slowRules: { ms: number; scope: FaultScope }[] = [];

  add(action: FaultAction, times: number, scope: FaultScope = {}): void {
    this.rules.push({ action, remaining: times, scope });
  }

  slow(ms: number, scope: FaultScope = {}): void {
    if (ms <= 0 && scope.path === undefined && scope.method === undefined) this.slowRules = [];
    else this.slowRules.push({ ms, scope });
  }

  clear(): void {
    this.rules = [];
    this.slowRules = [];
  }

  delayFor(method: string, path: string, body?: unknown): number {
    return Math.max(
      0,
      ...this.slowRules.filter((r) => matches(r.scope, method, path, body)).map((r) => r.ms),
    );
  }

  /** The first matching rule fires and counts down; rules added first fire first. */
  take(method: string, path: string, body?: unknown): FaultAction | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r.scope, method, path, body));
    if (!rule) return undefined;
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return rule.action;
  }
}

function matches(scope: FaultScope, method: string, path: string, body: unknown): boolean {
  if (scope.method && scope.method.toUpperCase() !== method.toUpperCase()) return false;
  if (scope.where && !scope.where(body)) return false;
  if (scope.path === undefined) return true;
  return typeof scope.path === 'string' ? path.startsWith(scope.path) : scope.path.test(path);
}
