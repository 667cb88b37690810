import { useState } from 'preact/hooks';
import { ApiError, get, messageOf, post } from '../api';
import { usePoll } from '../poll';
import type { SchemaAttribute, SchemaDefinition } from '../types';

const POLL_MS = 30_000;
/** The simple types the form offers (a complex attribute needs sub-attributes: register it through the API). */
const TYPES = ['string', 'boolean', 'integer', 'decimal', 'dateTime', 'reference', 'binary'];

interface AttributeDraft {
  key: number;
  name: string;
  type: string;
  multiValued: boolean;
  required: boolean;
  description: string;
}

let nextKey = 1;
const blankAttribute = (): AttributeDraft => ({
  key: nextKey++,
  name: '',
  type: 'string',
  multiValued: false,
  required: false,
  description: '',
});

/** Custom schema extensions (RFC 7643 §3.3): the registered ones, and a form to register another. */
export function SchemasPage() {
  const schemas = usePoll(() => get<SchemaDefinition[]>('/schemas'), POLL_MS, 'schemas');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [resourceType, setResourceType] = useState<'User' | 'Group'>('User');
  const [attributes, setAttributes] = useState<AttributeDraft[]>(() => [blankAttribute()]);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<string[] | null>(null);
  const [registered, setRegistered] = useState<string | null>(null);

  const change = (key: number, patch: Partial<AttributeDraft>) =>
    setAttributes((list) => list.map((a) => (a.key === key ? { ...a, ...patch } : a)));

  const register = async (e: Event) => {
    e.preventDefault();
    setErrors(null);
    setRegistered(null);
    setBusy(true);
    try {
      const body = {
        id: id.trim(),
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(description.trim() ? { description: description.trim() } : {}),
        resourceType,
        attributes: attributes.map((a) => ({
          name: a.name.trim(),
          type: a.type,
          multiValued: a.multiValued,
          required: a.required,
          ...(a.description.trim() ? { description: a.description.trim() } : {}),
        })),
      };
      const schema = await post<SchemaDefinition>('/schemas', body);
      setRegistered(schema.id);
      setId('');
      setName('');
      setDescription('');
      setAttributes([blankAttribute()]);
      schemas.refresh();
    } catch (err) {
      setErrors(err instanceof ApiError ? [err.message, ...err.details] : [messageOf(err)]);
    } finally {
      setBusy(false);
    }
  };

  const list = schemas.data ?? [];
  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Schema extensions</h1>
        <p class="muted">
          Extensions of the User or Group schema that HR may send: once registered they are in /Schemas and
          /ResourceTypes, checked on every write, filterable and available to the mappings.
        </p>
      </div>
      {schemas.error && (
        <p class="error" role="alert">
          Could not refresh: {schemas.error}
        </p>
      )}

      <h2>Registered extensions</h2>
      {schemas.data && list.length === 0 && (
        <p class="empty">
          None yet: the gateway serves the core schemas and the enterprise and Entra extensions only.
        </p>
      )}
      {list.map((s) => (
        <section class="detail" key={s.id} aria-labelledby={`schema-${s.id}`}>
          <h3 id={`schema-${s.id}`} class="identity">
            {s.name} <code class="muted small">{s.id}</code>
          </h3>
          {s.description && <p>{s.description}</p>}
          <AttributeTable schema={s} />
        </section>
      ))}

      <form class="register" onSubmit={(e) => void register(e)} aria-labelledby="register-h">
        <h2 id="register-h">Register an extension</h2>
        <fieldset>
          <legend>Schema</legend>
          <div class="grid">
            <div class="field wide">
              <label for="s-id">URN (id)</label>
              <input
                id="s-id"
                class="mono"
                required
                value={id}
                spellcheck={false}
                placeholder="urn:ietf:params:scim:schemas:extension:contoso:1.0:User"
                onInput={(e) => setId(e.currentTarget.value)}
              />
            </div>
            <div class="field">
              <label for="s-name">Name</label>
              <input id="s-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </div>
            <div class="field">
              <label for="s-type">Extends</label>
              <select
                id="s-type"
                value={resourceType}
                onChange={(e) => setResourceType(e.currentTarget.value as 'User' | 'Group')}
              >
                <option value="User">User</option>
                <option value="Group">Group</option>
              </select>
            </div>
            <div class="field">
              <label for="s-description">Description</label>
              <input
                id="s-description"
                value={description}
                onInput={(e) => setDescription(e.currentTarget.value)}
              />
            </div>
          </div>
        </fieldset>
        {attributes.map((a, i) => (
          <fieldset key={a.key}>
            <legend>Attribute {i + 1}</legend>
            <div class="grid">
              <div class="field">
                <label for={`s-a${a.key}-name`}>Name</label>
                <input
                  id={`s-a${a.key}-name`}
                  required
                  value={a.name}
                  spellcheck={false}
                  onInput={(e) => change(a.key, { name: e.currentTarget.value })}
                />
              </div>
              <div class="field">
                <label for={`s-a${a.key}-type`}>Type</label>
                <select
                  id={`s-a${a.key}-type`}
                  value={a.type}
                  onChange={(e) => change(a.key, { type: e.currentTarget.value })}
                >
                  {TYPES.map((t) => (
                    <option key={t}>{t}</option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for={`s-a${a.key}-description`}>Description</label>
                <input
                  id={`s-a${a.key}-description`}
                  value={a.description}
                  onInput={(e) => change(a.key, { description: e.currentTarget.value })}
                />
              </div>
              <div class="field check">
                <input
                  id={`s-a${a.key}-multi`}
                  type="checkbox"
                  checked={a.multiValued}
                  onChange={(e) => change(a.key, { multiValued: e.currentTarget.checked })}
                />
                <label for={`s-a${a.key}-multi`}>Multi-valued</label>
              </div>
              <div class="field check">
                <input
                  id={`s-a${a.key}-required`}
                  type="checkbox"
                  checked={a.required}
                  onChange={(e) => change(a.key, { required: e.currentTarget.checked })}
                />
                <label for={`s-a${a.key}-required`}>Required</label>
              </div>
            </div>
            {attributes.length > 1 && (
              <div class="actions">
                <button
                  type="button"
                  aria-label={`Remove attribute ${i + 1}`}
                  onClick={() => setAttributes((l) => l.filter((x) => x.key !== a.key))}
                >
                  Remove
                </button>
              </div>
            )}
          </fieldset>
        ))}
        <div class="actions">
          <button type="button" onClick={() => setAttributes((l) => [...l, blankAttribute()])}>
            Add an attribute
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? 'Registering…' : 'Register'}
          </button>
        </div>
        <div aria-live="polite">{registered && <p class="ok-box">Registered {registered}.</p>}</div>
        {errors && (
          <div class="error-box" role="alert">
            <p>The gateway refused the extension:</p>
            <ul>
              {errors.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        )}
      </form>
    </>
  );
}

function AttributeTable({ schema }: { schema: SchemaDefinition }) {
  const rows: [string, SchemaAttribute][] = [];
  const walk = (attrs: SchemaAttribute[], prefix: string) => {
    for (const a of attrs) {
      rows.push([`${prefix}${a.name}`, a]);
      if (a.subAttributes) walk(a.subAttributes, `${prefix}${a.name}.`);
    }
  };
  walk(schema.attributes, '');
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={`Attributes of ${schema.name}`}>
      <table>
        <caption class="sr-only">Attributes of {schema.id}</caption>
        <thead>
          <tr>
            <th scope="col">Attribute</th>
            <th scope="col">Type</th>
            <th scope="col">Multi-valued</th>
            <th scope="col">Required</th>
            <th scope="col">Mutability</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([path, a]) => (
            <tr key={path}>
              <th scope="row">
                <code>{path}</code>
              </th>
              <td>{a.type}</td>
              <td>{a.multiValued ? 'Yes' : 'No'}</td>
              <td>{a.required ? 'Yes' : 'No'}</td>
              <td>{a.mutability ?? 'readWrite'}</td>
              <td>{a.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
