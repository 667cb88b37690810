/** What a write does with an attribute no schema of the resource type defines. */
export type UnknownAttributes = 'reject' | 'ignore';

export interface UnknownAttributeOptions {
  /**
   * `reject` (the default): 400 naming the attribute, nothing written. `ignore`: the attribute is dropped and the
   * rest of the request is processed, for HR systems that send fields of their own. Filters are not data: an
   * unknown attribute in one is an error either way.
   */
  unknownAttributes?: UnknownAttributes;
  /** Told the path of each attribute dropped under `ignore`; never its value. */
  onIgnored?: (path: string) => void;
}

/** Under `ignore`, reports `path` as dropped and returns; otherwise throws the error that names it. */
export function dropUnknownAttribute(
  options: UnknownAttributeOptions | undefined,
  path: string,
  error: () => Error,
): void {
  if (options?.unknownAttributes !== 'ignore') throw error();
  options.onIgnored?.(path);
}
