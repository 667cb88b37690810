import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { MappingObjectType } from '../../types';
import { positioned, type DraftRow, type Problem } from './draft';

const COLUMNS = ['targetAttribute', 'type', 'source', 'apply', 'defaultValue', 'matching'];

/** The attribute mappings of one object type: add, edit, delete and reorder (Move up / Move down). */
export function AttributeTable({
  objectType,
  rows,
  problems,
  editing,
  onEdit,
  onMove,
  onDelete,
  onAdd,
}: {
  objectType: MappingObjectType;
  rows: DraftRow[];
  /** The attribute problems of this object type. */
  problems: Problem[];
  editing: string | null;
  onEdit: (key: string) => void;
  onMove: (from: number, to: number) => void;
  onDelete: (index: number) => void;
  onAdd: () => void;
}) {
  const [said, setSaid] = useState('');
  // After a move the pressed button keeps the focus (the row moved, the DOM node may be re-inserted).
  const refocus = useRef<string | null>(null);
  useEffect(() => {
    if (!refocus.current) return;
    const button = document.getElementById(refocus.current) as HTMLButtonElement | null;
    refocus.current = null;
    if (!button) return;
    if (button.disabled) {
      const other = button.id.endsWith('-up')
        ? button.id.replace(/-up$/, '-down')
        : button.id.replace(/-down$/, '-up');
      document.getElementById(other)?.focus();
    } else button.focus();
  }, [rows]);

  const name = (r: DraftRow, i: number) => r.mapping.targetAttribute || `mapping ${i + 1}`;
  const move = (i: number, by: -1 | 1) => {
    const r = rows[i];
    refocus.current = `${r.key}-${by < 0 ? 'up' : 'down'}`;
    onMove(i, i + by);
    setSaid(`${name(r, i)} moved to position ${i + by + 1} of ${rows.length}.`);
  };
  const remove = (i: number) => {
    const r = rows[i];
    onDelete(i);
    setSaid(`${name(r, i)} deleted. Discard changes to undo.`);
    // The focus goes to the next row's Edit button, else to Add new mapping.
    const next = rows[i + 1] ?? rows[i - 1];
    setTimeout(() => document.getElementById(next ? `${next.key}-edit` : `${objectType}-add`)?.focus(), 0);
  };

  const cell = (r: DraftRow, field: string, content: ComponentChildren) => {
    const list = problems.filter(
      (p) => p.key === r.key && (p.field === field || p.field.startsWith(`${field}.`)),
    );
    return (
      <td>
        {content}
        {list.map((p, i) => (
          <span key={i} class="field-error block">
            {positioned(p)}
          </span>
        ))}
      </td>
    );
  };

  return (
    <>
      {rows.length === 0 ? (
        <p class="empty">No attribute mapping: nothing would be sent. Add one.</p>
      ) : (
        <div
          class="table-wrap"
          tabIndex={0}
          role="region"
          aria-label={`Attribute mappings for ${objectType}`}
        >
          <table class="wide mappings">
            <caption class="sr-only">
              Attribute mappings for {objectType}, in the order they are applied
            </caption>
            <thead>
              <tr>
                <th scope="col">Target attribute</th>
                <th scope="col">Type</th>
                <th scope="col">Source attribute, constant or expression</th>
                <th scope="col">Apply</th>
                <th scope="col">Default value</th>
                <th scope="col">Matching precedence</th>
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => {
                const m = r.mapping;
                const others = problems.filter(
                  (p) => p.key === r.key && !COLUMNS.some((c) => p.field.startsWith(c)),
                );
                const n = name(r, i);
                return (
                  <tr
                    key={r.key}
                    class={`${editing === r.key ? 'selected' : ''}${problems.some((p) => p.key === r.key) ? ' has-problem' : ''}`}
                    data-key={r.key}
                  >
                    {cell(
                      r,
                      'targetAttribute',
                      <>
                        <code>{m.targetAttribute || '(none)'}</code>
                        {others.map((p, k) => (
                          <span key={k} class="field-error block">
                            {positioned(p)}
                          </span>
                        ))}
                      </>,
                    )}
                    {cell(r, 'type', m.type)}
                    {cell(
                      r,
                      'source',
                      m.type === 'None' ? (
                        <span class="muted">—</span>
                      ) : (
                        <code class="source">
                          {m.type === 'Constant' ? `"${m.source ?? ''}"` : (m.source ?? '')}
                        </code>
                      ),
                    )}
                    {cell(r, 'apply', m.apply === 'OnCreate' ? 'On create only' : 'Always')}
                    {cell(
                      r,
                      'defaultValue',
                      m.defaultValue ? <code>{m.defaultValue}</code> : <span class="muted">—</span>,
                    )}
                    {cell(
                      r,
                      'matching',
                      m.matching ? String(m.matching.precedence) : <span class="muted">—</span>,
                    )}
                    <td>
                      <div class="actions tight">
                        <button
                          type="button"
                          id={`${r.key}-edit`}
                          aria-label={`Edit ${n}`}
                          aria-expanded={editing === r.key}
                          onClick={() => onEdit(r.key)}
                        >
                          Edit
                        </button>
                        <button
                          type="button"
                          id={`${r.key}-up`}
                          aria-label={`Move ${n} up`}
                          disabled={i === 0}
                          onClick={() => move(i, -1)}
                        >
                          ↑
                        </button>
                        <button
                          type="button"
                          id={`${r.key}-down`}
                          aria-label={`Move ${n} down`}
                          disabled={i === rows.length - 1}
                          onClick={() => move(i, 1)}
                        >
                          ↓
                        </button>
                        <button
                          type="button"
                          class="danger"
                          aria-label={`Delete ${n}`}
                          onClick={() => remove(i)}
                        >
                          Delete
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p class="sr-only" aria-live="polite">
        {said}
      </p>
      <div class="actions">
        <button type="button" id={`${objectType}-add`} onClick={onAdd}>
          Add new mapping
        </button>
      </div>
    </>
  );
}
