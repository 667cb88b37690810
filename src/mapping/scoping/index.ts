export {
  compileScoping,
  normalizeOperator,
  validateScoping,
  ScopingInvalidError,
  SCOPING_OPERATORS,
} from './scoping-filter';
export type {
  ClauseFailure,
  CompiledScoping,
  ScopeVerdict,
  ScopingClause,
  ScopingGroup,
  ScopingOperator,
  ScopingProblem,
} from './scoping-filter';
