/** Public API of mapping sets: what the admin API, the entity and the provisioning engine use. */
export { defaultMappingSet } from './default-mapping-set';
export {
  applyMappingSet,
  compileMappingSet,
  describeProblem,
  MappingSetInvalidError,
  validateMappingSet,
} from './mapping-set';
export type { ApplyOptions, CompiledMappingSet, MappingResult, MappingSetOptions } from './mapping-set';
export type {
  ApplyMode,
  AttributeMapping,
  MappingProblem,
  MappingSet,
  MappingType,
  ObjectActions,
  ObjectKind,
  ObjectMapping,
} from './mapping-set.types';
export { benchMapping } from './mapping.bench';
