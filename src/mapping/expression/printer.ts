import type { ExpressionNode } from './ast';

/** Escapes a string constant the way the lexer reads it back: only `\` and `"` need it (§1.1). */
export function quoteString(value: string): string {
  return '"' + value.replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/** Canonical text of a tree; `parseExpression(printExpression(t))` gives the same tree (positions aside). */
export function printExpression(node: ExpressionNode): string {
  switch (node.kind) {
    case 'Function':
      return `${node.name}(${node.args.map(printExpression).join(', ')})`;
    case 'Attribute':
      return `[${node.name}]`;
    case 'Constant':
      return node.form === 'string' ? quoteString(node.value) : (node.raw ?? node.value);
    case 'Token':
      return node.name;
    case 'Comparison':
      return `${printExpression(node.left)} ${node.operator} ${printExpression(node.right)}`;
    case 'Empty':
      return '';
  }
}

/** The tree without source positions, for comparing trees parsed from different texts. */
export function withoutPositions(node: ExpressionNode): unknown {
  switch (node.kind) {
    case 'Function':
      return { kind: node.kind, name: node.name, args: node.args.map(withoutPositions) };
    case 'Comparison':
      return {
        kind: node.kind,
        operator: node.operator,
        left: withoutPositions(node.left),
        right: withoutPositions(node.right),
      };
    default: {
      const { start: _s, end: _e, ...rest } = node;
      return rest;
    }
  }
}
