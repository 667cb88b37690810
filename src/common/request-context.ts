/** What a write carries into the directory journal about the request that caused it. */
export interface RequestContext {
  requestId: string | null;
}
