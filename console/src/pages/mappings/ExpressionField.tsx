import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, messageOf, post } from '../../api';
import { positioned } from './draft';

const TYPING_MS = 400;

/** Where an expression goes wrong: 1-based line and column, with the API's message. */
export interface ExpressionFault {
  line?: number;
  column?: number;
  message: string;
}

type Check =
  { state: 'valid' } | { state: 'invalid'; fault: ExpressionFault } | { state: 'unchecked'; message: string };

/**
 * The expression sandbox's verdict on `expression` without a user: a compile error (400 with `line` and `column`)
 * is a fault; a failure on the empty user (422) means it compiles.
 */
async function checkExpression(expression: string, objectType: 'user' | 'group'): Promise<Check> {
  try {
    await post('/expressions/evaluate', { expression, objectType });
    return { state: 'valid' };
  } catch (err) {
    if (err instanceof ApiError && err.status === 422) return { state: 'valid' };
    if (err instanceof ApiError && err.status === 400) {
      const { line, column } = err.body;
      return {
        state: 'invalid',
        fault: {
          line: typeof line === 'number' ? line : undefined,
          column: typeof column === 'number' ? column : undefined,
          message: err.message,
        },
      };
    }
    return { state: 'unchecked', message: messageOf(err) };
  }
}

/** The line of `text` the fault is on, and a caret under its column (tabs shown as one space, as counted). */
export function CaretLine({ text, fault, id }: { text: string; fault: ExpressionFault; id?: string }) {
  if (fault.line === undefined || fault.column === undefined) return null;
  const line = (text.split(/\r\n|\r|\n/)[fault.line - 1] ?? '').replace(/\t/g, ' ');
  const before = ' '.repeat(Math.max(0, fault.column - 1));
  return (
    <pre class="caret-line" aria-hidden="true" id={id} data-testid="caret-line">
      {line}
      {'\n'}
      {before}
      <span class="caret">^</span>
    </pre>
  );
}

/** The offset in `text` of a 1-based line and column. */
function offsetOf(text: string, line: number, column: number): number {
  const lines = text.split(/(?<=\r\n|\r(?!\n)|\n)/);
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length;
  return Math.min(text.length, offset + column - 1);
}

/**
 * A multi-line expression box that is checked as one types (through the expression sandbox, debounced) and marks
 * the error at its line and column: the message next to the field (its description) and a caret under the line.
 * `saved` is the problem the last save or preview reported for this field (the page drops it once the field is
 * edited); a fault found here is shown first.
 */
export function ExpressionField({
  id,
  label,
  value,
  objectType,
  saved,
  onInput,
}: {
  id: string;
  label: string;
  value: string;
  objectType: 'user' | 'group';
  saved?: ExpressionFault;
  onInput: (value: string) => void;
}) {
  // The last answer stays on screen while the next check is pending: no flicker as one types.
  const [check, setCheck] = useState<Check | null>(null);
  const [pending, setPending] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    if (value.trim() === '') {
      setCheck(null);
      setPending(false);
      return;
    }
    let live = true;
    setPending(true);
    const timer = setTimeout(() => {
      void checkExpression(value, objectType).then((c) => {
        if (!live) return;
        setCheck(c);
        setPending(false);
      });
    }, TYPING_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [value, objectType]);

  const fault: ExpressionFault | undefined = check?.state === 'invalid' ? check.fault : saved;
  const errorId = `${id}-error`;
  const goTo = () => {
    const el = box.current;
    if (!el || fault?.line === undefined || fault.column === undefined) return;
    const at = offsetOf(value, fault.line, fault.column);
    el.focus();
    el.setSelectionRange(at, at);
  };

  return (
    <div class="field expression-field">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        ref={box}
        class="mono"
        rows={Math.min(8, Math.max(2, value.split('\n').length + 1))}
        value={value}
        spellcheck={false}
        autocomplete="off"
        aria-invalid={fault ? true : undefined}
        aria-describedby={fault ? errorId : `${id}-help`}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <span id={`${id}-help`} class="help">
        Entra’s expression language, e.g. <code>Join(" ", [givenName], [surname])</code>. Checked as you type.
      </span>
      {fault && <CaretLine text={value} fault={fault} />}
      <div aria-live="polite" class="expression-check">
        {fault ? (
          <p id={errorId} class="field-error">
            {positioned(fault)}{' '}
            {fault.line !== undefined && (
              <button type="button" class="link" onClick={goTo}>
                Go to the error
              </button>
            )}
          </p>
        ) : check?.state === 'valid' ? (
          <p class="ok-text small">The expression is valid.</p>
        ) : check?.state === 'unchecked' ? (
          <p class="muted small">Could not check the expression: {check.message}</p>
        ) : null}
      </div>
      {pending && <p class="muted small">Checking…</p>}
    </div>
  );
}
