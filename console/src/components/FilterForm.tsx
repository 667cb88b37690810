import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

export interface UrlFilters<F> {
  /** The filters the URL holds: what the list shows. */
  applied: F;
  /** Changes when the applied filters change (a `usePoll` key). */
  key: string;
  /** The form's values, applied on submit. */
  draft: F;
  field: <K extends keyof F>(name: K, value: F[K]) => void;
}

/** A list's filters, kept in the URL query (a link to share) and edited in a draft until applied. */
export function useUrlFilters<F extends object>(
  parse: (q: URLSearchParams) => F,
  q: URLSearchParams,
): UrlFilters<F> {
  const applied = parse(q);
  const key = JSON.stringify(applied);
  const [draft, setDraft] = useState<F>(applied);
  useEffect(() => setDraft(parse(q)), [key]);
  const field = <K extends keyof F>(name: K, value: F[K]) => setDraft((d) => ({ ...d, [name]: value }));
  return { applied, key, draft, field };
}

/** The URL query's values of these names, '' for each one it lacks. */
export function stringsOf<K extends string>(names: readonly K[], q: URLSearchParams): Record<K, string> {
  const f = {} as Record<K, string>;
  for (const k of names) f[k] = q.get(k) ?? '';
  return f;
}

/** A filter form: its fields, then the submit and reset buttons and any further actions. */
export function FilterForm({
  label,
  submitLabel = 'Apply filters',
  onSubmit,
  onReset,
  actions,
  children,
}: {
  label: string;
  submitLabel?: string;
  onSubmit: () => void;
  onReset: () => void;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  const submit = (e: Event) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form class="filters" onSubmit={submit} aria-label={label}>
      {children}
      <div class="actions filter-actions">
        <button type="submit" class="primary">
          {submitLabel}
        </button>
        <button type="button" onClick={onReset}>
          Reset
        </button>
        {actions}
      </div>
    </form>
  );
}

/** A labelled text (or date-time) field of a filter form. */
export function FilterInput({
  id,
  label,
  value,
  onValue,
  type,
  inputMode,
}: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  type?: 'datetime-local';
  inputMode?: 'numeric';
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type={type}
        inputMode={inputMode}
        value={value}
        onInput={(e) => onValue(e.currentTarget.value)}
      />
    </div>
  );
}

/** A labelled choice of a filter form; `children` are its options. */
export function FilterSelect({
  id,
  label,
  value,
  onValue,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
        {children}
      </select>
    </div>
  );
}
