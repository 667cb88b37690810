import { AppError } from '../common/errors';
import type { ExpressionError, ExpressionEvaluationError } from './expression';
import { describeProblem, type MappingProblem } from './mapping-set';

/** 400: a mapping set that cannot be saved. `details` lists every problem; nothing was written. */
export class MappingSetRejectedError extends AppError {
  readonly code = 'INVALID_MAPPING_SET';
  readonly status = 400;
  readonly details: (MappingProblem & { description: string })[];

  constructor(problems: MappingProblem[]) {
    super(
      `The mapping set has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ` +
        problems.map(describeProblem).join('; '),
    );
    this.details = problems.map((p) => ({ ...p, description: describeProblem(p) }));
  }
}

/**
 * An expression that does not compile (400) or fails on the given user (422), with its position as
 * top-level `line` and `column` in the admin error body.
 */
export class PositionedExpressionError extends AppError {
  readonly code: string;
  readonly status: number;
  readonly fields: { line: number; column: number; expected?: readonly string[] };

  constructor(cause: ExpressionError | ExpressionEvaluationError) {
    super(cause.message);
    this.code = cause.code;
    this.status = cause.status;
    const expected = 'expected' in cause && cause.expected.length > 0 ? cause.expected : undefined;
    this.fields = { line: cause.line, column: cause.column, ...(expected ? { expected } : {}) };
  }
}
