/**
 * Framework-free domain errors with stable codes (STYLE.md §3). Services throw these; only the two
 * exception filters (SCIM and admin) translate them to HTTP.
 */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor';

export abstract class AppError extends Error {
  abstract readonly code: string;
  /** HTTP status this error stands for; the filters use it, services never see HTTP. */
  abstract readonly status: number;
  /** RFC 7644 §3.12 scimType, when one applies. */
  readonly scimType?: ScimType;

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is wrong. `scimType` says how (RFC 7644 §3.12). */
export class InvalidRequestError extends AppError {
  readonly code = 'INVALID_REQUEST';
  readonly status = 400;
  constructor(
    message: string,
    override readonly scimType: ScimType = 'invalidValue',
  ) {
    super(message);
  }
}

/** 400 invalidSyntax: the request body is not JSON (RFC 7644 §3.12). */
export class InvalidJsonError extends AppError {
  readonly code = 'INVALID_JSON';
  readonly status = 400;
  override readonly scimType = 'invalidSyntax' as const;
  constructor() {
    super('The request body is not valid JSON');
  }
}

/** 400 invalidFilter with the 0-based character position where parsing failed. */
export class InvalidFilterError extends AppError {
  readonly code = 'INVALID_FILTER';
  readonly status = 400;
  override readonly scimType = 'invalidFilter' as const;
  constructor(
    message: string,
    readonly position?: number,
  ) {
    super(position === undefined ? message : `${message} (at position ${position})`);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
}

export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
  readonly status = 409;
  override readonly scimType = 'uniqueness' as const;
}

/** 412: If-Match did not match the current version (RFC 7644 §3.14). */
export class PreconditionFailedError extends AppError {
  readonly code = 'PRECONDITION_FAILED';
  readonly status = 412;
}

export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly status = 413;
}

export class TooManyError extends AppError {
  readonly code = 'TOO_MANY';
  readonly status = 400;
  override readonly scimType = 'tooMany' as const;
}

/** 429: the token's rate limit is reached (the response says when to retry, in Retry-After). */
export class RateLimitedError extends AppError {
  readonly code = 'TOO_MANY_REQUESTS';
  readonly status = 429;
}

export class UnauthorizedError extends AppError {
  readonly code = 'UNAUTHORIZED';
  readonly status = 401;
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
}

export class NotImplementedError extends AppError {
  readonly code = 'NOT_IMPLEMENTED';
  readonly status = 501;
}
