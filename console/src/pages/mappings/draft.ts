import { ApiError } from '../../api';
import type {
  AttributeMapping,
  MappingObjectType,
  MappingProblem,
  MappingSet,
  ObjectMapping,
  ScopingClause,
} from '../../types';

/*
 * The set being edited. Rows, groups and clauses carry a key of their own, so that a problem the API reported
 * for "mapping 9" stays with that mapping when rows are moved, added or deleted before the next check.
 */

export interface DraftRow {
  key: string;
  mapping: AttributeMapping;
}
export interface DraftClause {
  key: string;
  clause: ScopingClause;
}
export interface DraftGroup {
  key: string;
  clauses: DraftClause[];
}
export interface DraftObject {
  actions: ObjectMapping['actions'];
  scoping: DraftGroup[];
  attributes: DraftRow[];
}
export type Draft = Record<MappingObjectType, DraftObject>;

/** A problem the API reported, tied to the row, group or clause it names (`key` null: the section). */
export interface Problem {
  objectType: MappingObjectType;
  section: 'attributes' | 'scoping' | 'actions';
  key: string | null;
  clauseKey?: string;
  field: string;
  line?: number;
  column?: number;
  message: string;
  /** Where and what, in words, for the list of every problem. */
  description: string;
}

export const OBJECT_TYPES: readonly MappingObjectType[] = ['users', 'groups'];

let counter = 0;
export const newKey = (): string => `k${++counter}`;

export function draftOf(set: MappingSet): Draft {
  const object = (o: ObjectMapping): DraftObject => ({
    actions: { ...o.actions },
    scoping: o.scoping.map((g) => ({
      key: newKey(),
      clauses: g.clauses.map((c) => ({ key: newKey(), clause: { ...c } })),
    })),
    attributes: o.attributes.map((m) => ({ key: newKey(), mapping: { ...m } })),
  });
  return { users: object(set.users), groups: object(set.groups) };
}

/** One mapping as the API takes it: fixed key order, no empty optional value. */
function cleanMapping(m: AttributeMapping): AttributeMapping {
  return {
    targetAttribute: m.targetAttribute,
    type: m.type,
    ...(m.source !== undefined && !(m.type === 'None' && m.source === '') ? { source: m.source } : {}),
    apply: m.apply,
    ...(m.defaultValue !== undefined && m.defaultValue !== '' ? { defaultValue: m.defaultValue } : {}),
    ...(m.matching ? { matching: { precedence: m.matching.precedence } } : {}),
  };
}

function cleanClause(c: ScopingClause): ScopingClause {
  return {
    attribute: c.attribute,
    operator: c.operator,
    ...(c.value !== undefined ? { value: c.value } : {}),
  };
}

export function setOf(draft: Draft): MappingSet {
  const object = (o: DraftObject): ObjectMapping => ({
    actions: { create: o.actions.create, update: o.actions.update, delete: o.actions.delete },
    scoping: o.scoping.map((g) => ({ clauses: g.clauses.map((c) => cleanClause(c.clause)) })),
    attributes: o.attributes.map((r) => cleanMapping(r.mapping)),
  });
  return { users: object(draft.users), groups: object(draft.groups) };
}

/** The set in a canonical form, to compare the draft with what is saved. */
export function canonical(set: MappingSet): string {
  return JSON.stringify(setOf(draftOf(set)));
}

export function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item);
  return out;
}

/** class-validator's "users.attributes.3.targetAttribute must be …" (with "mappings." on the impact route). */
const SHAPE =
  /^(?:mappings\.)?(users|groups)\.(attributes|scoping|actions)\.(?:(\d+)\.)?(?:clauses\.(\d+)\.)?([\w.]+) (.+)$/;

/**
 * The problems in an API refusal of `submitted` (400 INVALID_MAPPING_SET, or the shape check's messages), each
 * tied to its row, group or clause; null when the refusal is not about the set (then show its message).
 */
export function problemsOf(err: unknown, submitted: Draft): Problem[] | null {
  if (!(err instanceof ApiError) || err.status !== 400) return null;
  const rowKey = (p: { objectType: MappingObjectType; section: string; index?: number }) => {
    if (p.index === undefined || p.section === 'actions') return null;
    const o = submitted[p.objectType];
    return (p.section === 'scoping' ? o.scoping[p.index] : o.attributes[p.index])?.key ?? null;
  };
  const clauseKey = (p: { objectType: MappingObjectType; index?: number; clause?: number }) =>
    p.index === undefined || p.clause === undefined
      ? undefined
      : submitted[p.objectType].scoping[p.index]?.clauses[p.clause]?.key;
  const structured = err.body.details;
  if (err.body.error === 'INVALID_MAPPING_SET' && Array.isArray(structured)) {
    return (structured as MappingProblem[]).map((p) => ({
      objectType: p.objectType,
      section: p.section,
      // A problem of the whole list ("at least one mapping must be a matching attribute") names no mapping.
      key:
        p.section === 'attributes' &&
        p.targetAttribute === undefined &&
        submitted[p.objectType].attributes[p.index]?.mapping.targetAttribute.trim()
          ? null
          : rowKey(p),
      clauseKey: clauseKey(p),
      field: p.field,
      line: p.line,
      column: p.column,
      message: p.message,
      description: p.description ?? p.message,
    }));
  }
  const shape = err.details.map((d) => SHAPE.exec(d));
  if (shape.length === 0 || shape.some((m) => m === null)) return null;
  return shape.map((m) => {
    const [, objectType, section, index, clause, field, message] = m!;
    const p = {
      objectType: objectType as MappingObjectType,
      section: section as Problem['section'],
      index: index === undefined ? undefined : Number(index),
      clause: clause === undefined ? undefined : Number(clause),
    };
    const where =
      p.section === 'actions'
        ? `${p.objectType} actions`
        : p.section === 'scoping'
          ? `${p.objectType} scoping group ${(p.index ?? 0) + 1}${p.clause === undefined ? '' : `, clause ${p.clause + 1}`}`
          : `${p.objectType} mapping ${(p.index ?? 0) + 1}`;
    const said = `${field} ${message.replace(/^must be longer than or equal to 1 characters$/, 'is required')}`;
    return {
      ...p,
      key: rowKey(p),
      clauseKey: clauseKey(p),
      field,
      message: said,
      description: `${where}: ${said}`,
    };
  });
}

/** "line L, column C: message" of an expression problem; the message alone otherwise. */
export function positioned(p: { line?: number; column?: number; message: string }): string {
  const text = p.message.replace(/^line \d+, column \d+: /i, '');
  return p.line !== undefined && p.column !== undefined
    ? `line ${p.line}, column ${p.column}: ${text}`
    : text;
}
