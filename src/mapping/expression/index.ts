/** Public API of the expression language (framework-free). */
export type { ExpressionNode } from './ast';
export { parseExpression } from './parser';
export { printExpression, withoutPositions } from './printer';
export { compileExpression, evaluateExpression, functionNames } from './compiler';
export type { CompileOptions, CompiledExpression, EvaluationResult } from './compiler';
export type { EvaluationContext } from './functions/function-types';
export { ExpressionError, ExpressionEvaluationError } from './expression-error';
export type { ExpressionErrorKind } from './expression-error';
export { isKnownAttribute, isSoftDeleted, resolveAttribute } from './attribute-resolver';
export type { AttributeCatalog, MappingSource } from './attribute-resolver';
export { ENTRA_ATTRIBUTE_ALIASES } from './attribute-aliases';
export type { AttributeAlias } from './attribute-aliases';
export { MAX_EXPRESSION_LENGTH } from './lexer';
