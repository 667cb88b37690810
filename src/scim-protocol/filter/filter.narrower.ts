import type { Filter } from './filter.ast';

/**
 * The filter as it applies to a resource type that has only the attributes `has` accepts (RFC 7644 §3.4.3, a search
 * across resource types): a comparison, presence test or value filter on an attribute the type lacks is false for
 * it, whatever the operator, and the result is folded. `true` means nothing is left to test (every resource of the
 * type matches), `false` that none can. Value filters' inner paths are relative to their attribute: not narrowed.
 */
export function narrowFilter(filter: Filter, has: (path: string) => boolean): Filter | boolean {
  switch (filter.type) {
    case 'compare':
    case 'present':
    case 'valuePath':
      return has(filter.path) ? filter : false;
    case 'not': {
      const inner = narrowFilter(filter.filter, has);
      return typeof inner === 'boolean' ? !inner : { type: 'not', filter: inner };
    }
    case 'and':
    case 'or': {
      const left = narrowFilter(filter.left, has);
      const right = narrowFilter(filter.right, has);
      // and: false absorbs, true is neutral; or: the other way round.
      const absorbing = filter.type === 'or';
      if (left === absorbing || right === absorbing) return absorbing;
      if (typeof left === 'boolean') return right;
      if (typeof right === 'boolean') return left;
      return { type: filter.type, left, right };
    }
  }
}

/** Every attribute path a filter names at its top level (value filters' inner paths excluded). */
export function filterPaths(filter: Filter): string[] {
  switch (filter.type) {
    case 'compare':
    case 'present':
    case 'valuePath':
      return [filter.path];
    case 'not':
      return filterPaths(filter.filter);
    case 'and':
    case 'or':
      return [...filterPaths(filter.left), ...filterPaths(filter.right)];
  }
}
