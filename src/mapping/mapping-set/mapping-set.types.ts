import type { ScopingGroup } from '../scoping/scoping-filter';

/** CAA §5.1: Direct (an attribute), Constant (a string), Expression, None (only the default value, on creation). */
export type MappingType = 'Direct' | 'Constant' | 'Expression' | 'None';
/** CAA §5.2 "Apply this mapping": Always, or Only during object creation. */
export type ApplyMode = 'Always' | 'OnCreate';
export type ObjectKind = 'users' | 'groups';

export interface AttributeMapping {
  /** SCIM path in the target: `userName`, `name.givenName`, `emails[type eq "work"].value`, `urn:…:User:department`. */
  targetAttribute: string;
  type: MappingType;
  /** Direct: the source attribute name; Constant: the literal; Expression: the expression text; None: unused. */
  source?: string;
  apply: ApplyMode;
  /** Sent when the value is null, on creation only (CAA "Default value if null"). */
  defaultValue?: string;
  /** Matching attribute; lower precedence is tried first (Graph matchingPriority). */
  matching?: { precedence: number };
}

/** Target object actions (CAA): which of create / update / delete the target gets. */
export interface ObjectActions {
  create: boolean;
  update: boolean;
  delete: boolean;
}

export interface ObjectMapping {
  actions: ObjectActions;
  scoping: ScopingGroup[];
  attributes: AttributeMapping[];
}

/** What one target does with users and with groups. Stored per target as JSON. */
export interface MappingSet {
  users: ObjectMapping;
  groups: ObjectMapping;
}

export interface MappingProblem {
  objectType: ObjectKind;
  section: 'attributes' | 'scoping' | 'actions';
  /** 0-based index of the attribute mapping, or of the scoping group. */
  index: number;
  /** For scoping problems: 0-based clause index. */
  clause?: number;
  targetAttribute?: string;
  field: string;
  /** For expression problems: where in the expression text (1-based). */
  line?: number;
  column?: number;
  message: string;
}
