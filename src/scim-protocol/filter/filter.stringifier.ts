import type { Filter, FilterValue } from './filter.ast';

const PRECEDENCE: Record<Filter['type'], number> = {
  or: 1,
  and: 2,
  not: 3,
  compare: 4,
  present: 4,
  valuePath: 4,
};

/** Prints a filter in RFC 7644 §3.4.2.2 syntax; `parseFilter(stringifyFilter(f))` deep-equals `f`. */
export function stringifyFilter(filter: Filter): string {
  switch (filter.type) {
    case 'compare':
      return `${filter.path} ${filter.op} ${filter.raw ?? stringifyValue(filter.value)}`;
    case 'present':
      return `${filter.path} pr`;
    case 'not':
      return `not (${stringifyFilter(filter.filter)})`;
    case 'valuePath':
      return `${filter.path}[${stringifyFilter(filter.filter)}]`;
    case 'and':
    case 'or': {
      const own = PRECEDENCE[filter.type];
      // The parser builds left-associative chains, so a right operand of equal precedence needs parentheses.
      const left = wrap(filter.left, PRECEDENCE[filter.left.type] < own);
      const right = wrap(filter.right, PRECEDENCE[filter.right.type] <= own);
      return `${left} ${filter.type} ${right}`;
    }
  }
}

function wrap(filter: Filter, parenthesise: boolean): string {
  const text = stringifyFilter(filter);
  return parenthesise ? `(${text})` : text;
}

export function stringifyValue(value: FilterValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
