/**
 * Expression tree. The three kinds Graph's attributeMappingSource uses (Function, Attribute, Constant;
 * entra-expressions.md §1.3) plus what the language needs beyond them: bare tokens (`vbTextCompare`,
 * `IgnoreAttributeFlow`), comparisons inside IIF/CBool conditions and omitted arguments (§1.2).
 * `start`/`end` are 0-based offsets into the source text, `end` exclusive.
 */
export type ExpressionNode =
  FunctionNode | AttributeNode | ConstantNode | TokenNode | ComparisonNode | EmptyNode;

interface Located {
  start: number;
  end: number;
}

export interface FunctionNode extends Located {
  kind: 'Function';
  /** As written; function names are resolved case-insensitively by the compiler. */
  name: string;
  args: ExpressionNode[];
}

export interface AttributeNode extends Located {
  kind: 'Attribute';
  /** The text between the brackets, trimmed. */
  name: string;
}

export interface ConstantNode extends Located {
  kind: 'Constant';
  /** The value: unescaped string, number text as written, or a hex literal in decimal. */
  value: string;
  form: 'string' | 'number' | 'hex';
  /** Source text for numbers and hex literals, so printing keeps `&HF` and `007` as written. */
  raw?: string;
}

export const BARE_TOKENS = [
  'vbTextCompare',
  'vbBinaryCompare',
  'IgnoreAttributeFlow',
  'IgnoreObjectFlow',
] as const;
export type BareToken = (typeof BARE_TOKENS)[number];

export interface TokenNode extends Located {
  kind: 'Token';
  /** Canonical spelling. */
  name: BareToken;
}

export type ComparisonOperator = '=' | '<>' | '>' | '>=' | '<' | '<=';

export interface ComparisonNode extends Located {
  kind: 'Comparison';
  operator: ComparisonOperator;
  left: ExpressionNode;
  right: ExpressionNode;
}

/** An omitted argument: `Switch([x], , "a", "b")`. Not the same as `""` (§1.2). */
export interface EmptyNode extends Located {
  kind: 'Empty';
}
