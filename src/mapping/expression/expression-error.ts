import { AppError } from '../../common/errors';

/** 1-based line and column of a 0-based offset; `\r\n`, `\n` and `\r` each end a line. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export type ExpressionErrorKind =
  | 'syntax'
  | 'tooLong'
  | 'tooDeep'
  | 'unknownFunction'
  | 'argumentCount'
  | 'unknownAttribute'
  | 'invalidArgument';

/**
 * An expression that cannot be saved: a syntax error, or a check of the compiler (unknown function, wrong
 * argument count, unknown attribute, a literal argument that can never work). Always positioned.
 */
export class ExpressionError extends AppError {
  readonly code = 'INVALID_EXPRESSION';
  readonly status = 400;
  readonly line: number;
  readonly column: number;

  constructor(
    readonly kind: ExpressionErrorKind,
    /** The problem without its position, e.g. `expected "," or ")" but found "["`. */
    readonly detail: string,
    text: string,
    /** 0-based offset into the expression text. */
    readonly offset: number,
    /** What the parser expected at that point, for syntax errors. */
    readonly expected: readonly string[] = [],
  ) {
    const { line, column } = positionOf(text, offset);
    super(`Line ${line}, column ${column}: ${detail}`);
    this.line = line;
    this.column = column;
  }
}

/** A well-formed expression that failed on one record (e.g. a date that does not parse). */
export class ExpressionEvaluationError extends AppError {
  readonly code = 'EXPRESSION_EVALUATION_FAILED';
  readonly status = 422;

  constructor(
    readonly detail: string,
    readonly functionName: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${functionName} at line ${line}, column ${column}: ${detail}`);
  }
}
