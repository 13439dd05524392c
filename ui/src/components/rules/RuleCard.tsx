import type { ReactNode } from "react";
import { DUPLICATES, type DraftProblem, FIELD_KEYS, type FieldKey, type RuleDraft, SIGNATURES, atField } from "./draft";

interface Props {
  draft: RuleDraft;
  /** Its place in its list, from 0. */
  index: number;
  count: number;
  /** The problems found in this rule. */
  problems: DraftProblem[];
  onChange(patch: Partial<RuleDraft>): void;
  onMove(step: number): void;
  onRemove(): void;
}

/** What a field's control is given: its id, and the problem that describes it. */
interface ControlProps {
  id: string;
  "aria-invalid"?: boolean;
  "aria-describedby"?: string;
}

/** A field's problems, each where the field is. */
function ProblemText({ id, problems }: { id: string; problems: DraftProblem[] }) {
  return problems.map((p, i) => (
    <span key={i} id={i === 0 ? id : undefined} className="rule-problem" data-testid="rule-problem" data-key={p.key}>
      {p.message}
    </span>
  ));
}

function Field({
  card,
  field,
  label,
  problems,
  className,
  children,
}: {
  card: number;
  field: FieldKey;
  label: string;
  problems: DraftProblem[];
  className?: string;
  children(props: ControlProps): ReactNode;
}) {
  const here = problems.filter((p) => atField(p.key, field));
  const id = `rule-${card}-${field}`;
  return (
    <div className={className ? `field ${className}` : "field"} data-field={field}>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(here.length > 0 ? { "aria-invalid": true, "aria-describedby": `${id}-problem` } : {}),
      })}
      <ProblemText id={`${id}-problem`} problems={here} />
    </div>
  );
}

/** Checkboxes for a fixed vocabulary; none checked means any. */
function Choices({
  card,
  field,
  label,
  words,
  chosen,
  problems,
  onChange,
}: {
  card: number;
  field: FieldKey;
  label: string;
  words: readonly string[];
  chosen: string[];
  problems: DraftProblem[];
  onChange(chosen: string[]): void;
}) {
  const here = problems.filter((p) => atField(p.key, field));
  const name = field.split(".")[1];
  return (
    <fieldset className="field rule-choices" data-field={field}>
      <legend>{label}</legend>
      <div>
        {words.map((w) => (
          <label key={w}>
            <input
              type="checkbox"
              checked={chosen.includes(w)}
              onChange={(e) => onChange(e.target.checked ? [...chosen, w] : chosen.filter((c) => c !== w))}
              data-testid={`rule-${name}-${w}`}
            />{" "}
            {w}
          </label>
        ))}
      </div>
      <ProblemText id={`rule-${card}-${field}-problem`} problems={here} />
    </fieldset>
  );
}

/** A yes/no of the rule's `do`. */
function Flag({
  field,
  label,
  title,
  checked,
  problems,
  testId,
  onChange,
}: {
  field: FieldKey;
  label: string;
  title: string;
  checked: boolean;
  problems: DraftProblem[];
  testId: string;
  onChange(checked: boolean): void;
}) {
  const here = problems.filter((p) => atField(p.key, field));
  return (
    <div className="rule-flag" data-field={field}>
      <label title={title}>
        <input
          type="checkbox"
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-invalid={here.length > 0 || undefined}
          data-testid={testId}
        />{" "}
        {label}
      </label>
      <ProblemText id={`${testId}-problem`} problems={here} />
    </div>
  );
}

/** One rule: its name, its conditions, what it does, and its place in the list. */
export function RuleCard({ draft: d, index, count, problems, onChange, onMove, onRemove }: Props) {
  const card = d.id;
  // A problem no field holds (the whole rule's) is said above the fields.
  const whole = problems.filter((p) => !FIELD_KEYS.some((f) => atField(p.key, f)));
  const text = (
    field: FieldKey,
    label: string,
    value: string,
    set: (v: string) => void,
    testId: string,
    placeholder: string,
    className?: string,
  ) => (
    <Field card={card} field={field} label={label} problems={problems} className={className}>
      {(props) => (
        <input
          {...props}
          value={value}
          onChange={(e) => set(e.target.value)}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          data-testid={testId}
        />
      )}
    </Field>
  );
  const lines = (
    field: FieldKey,
    label: string,
    value: string,
    set: (v: string) => void,
    testId: string,
    placeholder: string,
    className = "rule-wide",
  ) => (
    <Field card={card} field={field} label={label} problems={problems} className={className}>
      {(props) => (
        <textarea
          {...props}
          rows={2}
          className="mono"
          value={value}
          onChange={(e) => set(e.target.value)}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          data-testid={testId}
        />
      )}
    </Field>
  );

  return (
    <fieldset className="rule-card" data-testid="rule-card" aria-label={`Rule ${index + 1}`}>
      <div className="rule-head">
        <span className="rule-place" title="Rules are tried in this order">
          {index + 1}
        </span>
        {text("name", "Name", d.name, (name) => onChange({ name }), "rule-name", `rules[${index}]`, "rule-name")}
        <div className="rule-order">
          <button
            type="button"
            onClick={() => onMove(-1)}
            disabled={index === 0}
            title="Try this rule earlier"
            aria-label="Move up"
            data-testid="rule-up"
          >
            ↑
          </button>
          <button
            type="button"
            onClick={() => onMove(1)}
            disabled={index === count - 1}
            title="Try this rule later"
            aria-label="Move down"
            data-testid="rule-down"
          >
            ↓
          </button>
          <button type="button" className="danger" onClick={onRemove} data-testid="rule-remove">
            Remove
          </button>
        </div>
      </div>
      {whole.length > 0 && (
        <p className="error">
          <ProblemText id={`rule-${card}-problem`} problems={whole} />
        </p>
      )}
      <h4>Match: every condition given must hold</h4>
      <div className="rule-grid">
        {text("match.method", "Method", d.method, (method) => onChange({ method }), "rule-method", "any (POST, PUT)")}
        {text(
          "match.path",
          "Path: prefix or glob",
          d.path,
          (path) => onChange({ path }),
          "rule-path",
          "any (/hooks/shop, /hooks/*/events)",
        )}
        {text(
          "match.event",
          "Event types",
          d.event,
          (event) => onChange({ event }),
          "rule-event",
          "any (invoice.*, charge.failed)",
        )}
        {text("match.vendor", "Vendor", d.vendor, (vendor) => onChange({ vendor }), "rule-vendor", "any (stripe)")}
        {text(
          "match.arrival",
          "Arrival of its event id",
          d.arrival,
          (arrival) => onChange({ arrival }),
          "rule-arrival",
          "any (2, 1..2, 3..)",
        )}
        <Choices
          card={card}
          field="match.signature"
          label="Signature (none: any)"
          words={SIGNATURES}
          chosen={d.signature}
          problems={problems}
          onChange={(signature) => onChange({ signature })}
        />
        <Choices
          card={card}
          field="match.duplicate"
          label="Duplicate (none: any)"
          words={DUPLICATES}
          chosen={d.duplicate}
          problems={problems}
          onChange={(duplicate) => onChange({ duplicate })}
        />
        {lines(
          "match.headers",
          "Headers, one a line (a glob of the value; * for present)",
          d.headers,
          (headers) => onChange({ headers }),
          "rule-headers",
          "X-Env: prod*\nX-Request-Id: *",
          "rule-half",
        )}
        {lines(
          "match.body",
          "Body values, one a line (JSON pointer = JSON value)",
          d.body,
          (body) => onChange({ body }),
          "rule-match-body",
          '/data/object/status = "paid"\n/amount = 1000',
          "rule-half",
        )}
      </div>
      <h4>Do: what is left out is the endpoint's</h4>
      <div className="rule-grid">
        {text("do.status", "Status", d.status, (status) => onChange({ status }), "rule-status", "the endpoint's")}
        {text(
          "do.delay",
          "Delay before answering",
          d.delay,
          (delay) => onChange({ delay }),
          "rule-delay",
          "none (250ms, 2s)",
        )}
        {lines(
          "do.headers",
          "Headers, one a line (values are templates)",
          d.answerHeaders,
          (answerHeaders) => onChange({ answerHeaders }),
          "rule-answer-headers",
          "Retry-After: 10\nX-Echo: {{ headers['X-Request-Id'] }}",
        )}
        <Field
          card={card}
          field="do.body"
          label="Body (a MiniJinja template)"
          problems={problems}
          className="rule-wide"
        >
          {(props) => (
            <textarea
              {...props}
              rows={4}
              className="mono"
              value={d.answerBody ?? ""}
              onChange={(e) => onChange({ answerBody: e.target.value === "" ? null : e.target.value })}
              placeholder={
                'the endpoint\'s; for example {"received": "{{ body.data.id }}", "type": "{{ event.type }}"}'
              }
              spellCheck={false}
              autoComplete="off"
              data-testid="rule-body"
            />
          )}
        </Field>
        {lines(
          "do.forward",
          "Forward to, one URL a line (several: each gets it)",
          d.forward,
          (forward) => onChange({ forward }),
          "rule-forward",
          "the endpoint's target (http://localhost:3000/webhooks)",
        )}
        <div className="rule-flags rule-wide">
          <Flag
            field="do.pass_through"
            label="Pass the first target's answer back"
            title="The sender gets the first forward target's status, headers and body"
            checked={d.passThrough}
            problems={problems}
            testId="rule-pass-through"
            onChange={(passThrough) => onChange({ passThrough })}
          />
          <Flag
            field="do.skip_forward"
            label="Forward nowhere"
            title="Not even to the endpoint's target"
            checked={d.skipForward}
            problems={problems}
            testId="rule-skip-forward"
            onChange={(skipForward) => onChange({ skipForward })}
          />
          <Flag
            field="do.continue"
            label="Continue to the next rules"
            title="The rules after this one may apply too: what they set replaces what this one set, and their forward targets are added"
            checked={d.continue}
            problems={problems}
            testId="rule-continue"
            onChange={(value) => onChange({ continue: value })}
          />
        </div>
      </div>
    </fieldset>
  );
}
