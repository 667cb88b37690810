import type { ComponentChildren } from 'preact';

export type StepOutcome = 'success' | 'failure' | 'skipped' | 'warning';

export interface Step {
  name: string;
  outcome: StepOutcome;
  text: string;
  /** Shown under the text: a request, a payload, a response. */
  more?: ComponentChildren;
}

const OUTCOME_WORDS: Record<StepOutcome, string> = {
  success: 'Succeeded',
  failure: 'Failed',
  skipped: 'Skipped',
  warning: 'Warning',
};

/** Steps as Entra lists them, each marked succeeded, failed, skipped or warning. */
export function StepList({ steps, label }: { steps: Step[]; label?: string }) {
  return (
    <ol class="steps" aria-label={label}>
      {steps.map((s, i) => (
        <li key={i} class={`step step-${s.outcome}`}>
          <span class="step-outcome">{OUTCOME_WORDS[s.outcome]}</span>
          <strong>{s.name}</strong>
          <span class="step-text">{s.text}</span>
          {s.more && <div class="step-more">{s.more}</div>}
        </li>
      ))}
    </ol>
  );
}
