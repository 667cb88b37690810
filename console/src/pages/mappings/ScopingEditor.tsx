import type { JSX } from 'preact';
import { SCOPING_OPERATORS, type MappingObjectType, type ScopingClause } from '../../types';
import { newKey, positioned, type DraftGroup, type Problem } from './draft';
import { sourceListId } from './suggestions';

const UNARY = new Set<string>(SCOPING_OPERATORS.filter((o) => o.kind === 'unary').map((o) => o.name));
const squash = (s: string) => s.replace(/[\s_-]+/g, '').toUpperCase();
/** The API reads operators case-insensitively, spaces and underscores aside ("not equals" is NOT EQUALS). */
const isUnary = (operator: string) => [...UNARY].some((u) => squash(u) === squash(operator));

const HELP: Record<string, string> = {
  regex: 'A .NET regular expression',
  integer: 'A whole number',
};

/**
 * Entra's scoping filter ("Source object scope"): groups of clauses, AND within a group, OR between groups; no
 * group puts every object in scope.
 */
export function ScopingEditor({
  objectType,
  groups,
  problems,
  onChange,
}: {
  objectType: MappingObjectType;
  groups: DraftGroup[];
  /** The scoping problems of this object type. */
  problems: Problem[];
  /** The new groups, and the clause field that changed (its reported problems are dropped). */
  onChange: (groups: DraftGroup[], changed?: { clauseKey: string; field: string }) => void;
}) {
  const focusLater = (id: string) => setTimeout(() => document.getElementById(id)?.focus(), 0);
  const setClause = (g: number, c: number, patch: Partial<ScopingClause>, field: string) => {
    const clause = groups[g].clauses[c];
    const next = { ...clause.clause, ...patch };
    if (field === 'operator' && isUnary(next.operator)) delete next.value;
    else if (field === 'operator' && next.value === undefined) next.value = '';
    onChange(
      groups.map((grp, i) =>
        i !== g
          ? grp
          : { ...grp, clauses: grp.clauses.map((cl, j) => (j !== c ? cl : { ...cl, clause: next })) },
      ),
      { clauseKey: clause.key, field },
    );
  };
  const addClause = (g: number) => {
    const key = newKey();
    onChange(
      groups.map((grp, i) =>
        i !== g
          ? grp
          : {
              ...grp,
              clauses: [...grp.clauses, { key, clause: { attribute: '', operator: 'EQUALS', value: '' } }],
            },
      ),
    );
    focusLater(`${key}-attribute`);
  };
  const removeClause = (g: number, c: number) => {
    const grp = groups[g];
    const rest = grp.clauses.filter((_, j) => j !== c);
    onChange(groups.map((x, i) => (i !== g ? x : { ...x, clauses: rest })));
    const next = rest[Math.min(c, rest.length - 1)];
    focusLater(next ? `${next.key}-attribute` : `${grp.key}-add-clause`);
  };
  const addGroup = () => {
    const group: DraftGroup = {
      key: newKey(),
      clauses: [{ key: newKey(), clause: { attribute: '', operator: 'EQUALS', value: '' } }],
    };
    onChange([...groups, group]);
    focusLater(`${group.clauses[0].key}-attribute`);
  };
  const removeGroup = (g: number) => {
    onChange(groups.filter((_, i) => i !== g));
    const next = groups[g + 1] ?? groups[g - 1];
    focusLater(next ? `${next.key}-add-clause` : `${objectType}-add-group`);
  };

  const errorsOf = (key: string, clauseKey: string | undefined, field: string | null) =>
    problems.filter(
      (p) => p.key === key && p.clauseKey === clauseKey && (field === null || p.field === field),
    );

  return (
    <>
      <p class="help">
        {groups.length === 0
          ? `No scoping filter: every ${objectType === 'users' ? 'user' : 'group'} is in scope.`
          : `In scope: ${objectType} that match every clause of at least one group.`}
      </p>
      {groups.map((grp, g) => {
        const groupErrors = problems.filter((p) => p.key === grp.key && p.clauseKey === undefined);
        return (
          <div key={grp.key}>
            {g > 0 && (
              <p class="or" aria-hidden="true">
                OR
              </p>
            )}
            <fieldset class="scoping-group">
              <legend>Scoping filter group {g + 1}</legend>
              {groupErrors.map((p, i) => (
                <p key={i} class="field-error">
                  {positioned(p)}
                </p>
              ))}
              {grp.clauses.length === 0 && <p class="muted">No clause: this group lets every object in.</p>}
              {grp.clauses.map((cl, c) => {
                const id = cl.key;
                const unary = isUnary(cl.clause.operator);
                const known = SCOPING_OPERATORS.some((o) => o.name === cl.clause.operator);
                const kind = SCOPING_OPERATORS.find(
                  (o) => squash(o.name) === squash(cl.clause.operator),
                )?.kind;
                const field = (
                  name: 'attribute' | 'operator' | 'value',
                  label: string,
                  input: JSX.Element,
                ) => {
                  const errors = errorsOf(grp.key, cl.key, name);
                  return (
                    <div class="field">
                      <label for={`${id}-${name}`}>{label}</label>
                      {input}
                      {errors.length > 0 && (
                        <span id={`${id}-${name}-error`} class="field-error">
                          {errors.map((p) => positioned(p)).join(' ')}
                        </span>
                      )}
                    </div>
                  );
                };
                const aria = (name: string, help?: string) => {
                  const hasError = errorsOf(grp.key, cl.key, name).length > 0;
                  const ids = [hasError ? `${id}-${name}-error` : '', help ?? ''].filter(Boolean).join(' ');
                  return {
                    'aria-invalid': hasError ? true : undefined,
                    'aria-describedby': ids || undefined,
                  };
                };
                return (
                  <div key={cl.key}>
                    {c > 0 && (
                      <p class="and" aria-hidden="true">
                        AND
                      </p>
                    )}
                    <fieldset class="plain clause">
                      <legend class="sr-only">
                        Group {g + 1}, clause {c + 1}
                      </legend>
                      <div class="clause-row">
                        {field(
                          'attribute',
                          'Attribute',
                          <input
                            id={`${id}-attribute`}
                            list={sourceListId(objectType)}
                            value={cl.clause.attribute}
                            autocomplete="off"
                            {...aria('attribute')}
                            onInput={(e) =>
                              setClause(g, c, { attribute: e.currentTarget.value }, 'attribute')
                            }
                          />,
                        )}
                        {field(
                          'operator',
                          'Operator',
                          <select
                            id={`${id}-operator`}
                            value={cl.clause.operator}
                            {...aria('operator')}
                            onChange={(e) => setClause(g, c, { operator: e.currentTarget.value }, 'operator')}
                          >
                            {!known && <option value={cl.clause.operator}>{cl.clause.operator}</option>}
                            {SCOPING_OPERATORS.map((o) => (
                              <option key={o.name} value={o.name}>
                                {o.name}
                              </option>
                            ))}
                          </select>,
                        )}
                        {unary ? (
                          <p class="muted small no-value">No value for {cl.clause.operator}.</p>
                        ) : (
                          field(
                            'value',
                            'Value',
                            <input
                              id={`${id}-value`}
                              value={cl.clause.value ?? ''}
                              autocomplete="off"
                              {...aria('value', kind && HELP[kind] ? `${id}-value-help` : undefined)}
                              onInput={(e) => setClause(g, c, { value: e.currentTarget.value }, 'value')}
                            />,
                          )
                        )}
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Remove clause ${c + 1} of group ${g + 1}`}
                          onClick={() => removeClause(g, c)}
                        >
                          Remove
                        </button>
                      </div>
                      {!unary && kind && HELP[kind] && (
                        <span id={`${id}-value-help`} class="help">
                          {HELP[kind]}
                        </span>
                      )}
                    </fieldset>
                  </div>
                );
              })}
              <div class="actions">
                <button type="button" id={`${grp.key}-add-clause`} onClick={() => addClause(g)}>
                  Add clause
                </button>
                <button type="button" class="danger" onClick={() => removeGroup(g)}>
                  Remove group {g + 1}
                </button>
              </div>
            </fieldset>
          </div>
        );
      })}
      <div class="actions">
        <button type="button" id={`${objectType}-add-group`} onClick={addGroup}>
          Add scoping filter group
        </button>
      </div>
    </>
  );
}
