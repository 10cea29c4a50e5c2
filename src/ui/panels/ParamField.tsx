import { useEffect, useId, useRef, useState } from 'react';
import { checkParam, describeSpec, type ParamSpec } from '../../core/params';
import type { ParamValue } from '../../core/types';
import './fields.css';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** What the user typed, as the value the schema should judge: numbers as numbers, anything else as text. */
export function parseTyped(text: string): ParamValue | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return NUMBER.test(t) ? Number(t) : t;
}

/** "1 – 65536", "≥ 0", "> 0", "0 – <1": what a number field accepts, shown inside it. */
export function rangeHint(spec: ParamSpec): string {
  if (spec.type !== 'int' && spec.type !== 'float') return '';
  const exMin = spec.type === 'float' && spec.exclusiveMin;
  const exMax = spec.type === 'float' && spec.exclusiveMax;
  const lo = spec.min;
  const hi = spec.max;
  if (lo !== undefined && hi !== undefined) return `${exMin ? '>' : ''}${lo} – ${exMax ? '<' : ''}${hi}`;
  if (lo !== undefined) return `${exMin ? '>' : '≥'} ${lo}`;
  if (hi !== undefined) return `${exMax ? '<' : '≤'} ${hi}`;
  return '';
}

export interface ParamFieldProps {
  name: string;
  spec: ParamSpec;
  value: ParamValue | undefined;
  /** Called only with values the schema accepts. */
  onCommit(value: ParamValue): void;
  /** Called when the field loses focus (ends a merged typing step). */
  onDone?(): void;
  label?: string;
  testId?: string;
}

/**
 * One field generated from a ParamSpec. Typing is checked on every keystroke with the spec's own message; an
 * accepted value is committed on Enter, on leaving the field or with the arrow keys, and leaving the field with a
 * refused value restores the last good one.
 */
export function ParamField({ name, spec, value, onCommit, onDone, label = name, testId = `param-${name}` }: ParamFieldProps) {
  const id = useId();
  const hint = rangeHint(spec);
  return (
    <div className="field" data-testid={`field-${name}`}>
      <label className="field-label" htmlFor={id} title={spec.help}>
        {label}
      </label>
      <div className="field-control">
        {spec.type === 'bool' ? (
          <label className="switch">
            <input id={id} type="checkbox" checked={value === true} data-testid={testId} onChange={(e) => onCommit(e.target.checked)} />
            <span className="switch-track" aria-hidden="true" />
          </label>
        ) : spec.type === 'choice' ? (
          <select id={id} className="field-input" value={String(value)} data-testid={testId} onChange={(e) => onCommit(e.target.value)}>
            {spec.choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
            {!spec.choices.includes(String(value)) && <option value={String(value)}>{String(value)} (invalid)</option>}
          </select>
        ) : spec.type === 'padding' ? (
          <PaddingInput id={id} spec={spec} value={value} onCommit={onCommit} onDone={onDone} testId={testId} />
        ) : (
          <TypedInput id={id} spec={spec} value={value} onCommit={onCommit} onDone={onDone} testId={testId} hint={hint} />
        )}
      </div>
      <div className="field-help">{spec.help}</div>
    </div>
  );
}

interface TypedInputProps {
  id?: string;
  spec: ParamSpec;
  value: ParamValue | undefined;
  onCommit(value: ParamValue): void;
  onDone?(): void;
  testId: string;
  /** The accepted range, shown faintly inside the field. */
  hint?: string;
  /** Extra check after the schema's (e.g. padding explicit mode wants a number). */
  accept?: (v: ParamValue | undefined) => string | null;
}

/** A text box for numbers: shows the schema's message while the text is refused. */
export function TypedInput({ id, spec, value, onCommit, onDone, testId, hint, accept }: TypedInputProps) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const [error, setError] = useState<string | null>(null);
  const editing = useRef(false);
  const cancelled = useRef(false);
  // Follow outside changes (undo, a fix) unless the user is mid-edit.
  useEffect(() => {
    if (!editing.current) {
      setText(value === undefined ? '' : String(value));
      setError(null);
    }
  }, [value]);
  // Typing is only checked; the value is committed on Enter, on leaving the field, or by an arrow key. A half-typed
  // "5" on the way to "570" must not reach the document (it would flash an error and cost an extra undo step).
  const onChange = (next: string) => {
    setText(next);
    setError(accept?.(parseTyped(next)) ?? checkParam(spec, parseTyped(next)));
  };
  const commitText = () => {
    const typed = parseTyped(text);
    if (error || typed === undefined) {
      setText(value === undefined ? '' : String(value));
      setError(null);
      return;
    }
    if (typed !== value) onCommit(typed);
  };
  // ArrowUp/ArrowDown step integers, like a native number field, without its quirks for half-typed text.
  const step = (delta: number) => {
    if (spec.type !== 'int' && !(spec.type === 'padding' && accept)) return false;
    const current = typeof value === 'number' ? value : Number(parseTyped(text));
    if (!Number.isFinite(current)) return false;
    const next = current + delta;
    if (checkParam(spec, next) === null && (accept?.(next) ?? null) === null) {
      setText(String(next));
      setError(null);
      onCommit(next);
    }
    return true;
  };
  return (
    <div className="typed-input">
      {hint && !error && <span className="range-hint">{hint}</span>}
      <input
        id={id}
        className={`field-input mono${error ? ' invalid' : ''}`}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        value={text}
        aria-invalid={error ? true : undefined}
        data-testid={testId}
        onFocus={() => (editing.current = true)}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if ((e.key === 'ArrowUp' || e.key === 'ArrowDown') && step(e.key === 'ArrowUp' ? 1 : -1)) e.preventDefault();
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') {
            cancelled.current = true;
            (e.target as HTMLInputElement).blur();
          }
        }}
        onBlur={() => {
          editing.current = false;
          if (cancelled.current) {
            cancelled.current = false;
            setText(value === undefined ? '' : String(value));
            setError(null);
          } else commitText();
          onDone?.();
        }}
      />
      {error && (
        <div className="field-error" role="alert" data-testid={`${testId}-error`}>
          {error}
        </div>
      )}
    </div>
  );
}

type PaddingMode = 'valid' | 'same' | 'explicit';

function PaddingInput({ id, spec, value, onCommit, onDone, testId }: Omit<TypedInputProps, 'hint'>) {
  const mode: PaddingMode = typeof value === 'number' ? 'explicit' : value === 'same' ? 'same' : 'valid';
  const [explicit, setExplicit] = useState(mode === 'explicit');
  useEffect(() => setExplicit(mode === 'explicit'), [mode]);
  const shown = explicit ? 'explicit' : mode;
  return (
    <div className="padding-input">
      <select
        id={id}
        className="field-input"
        value={shown}
        data-testid={testId}
        title={`Padding: ${describeSpec(spec)}`}
        onChange={(e) => {
          const next = e.target.value as PaddingMode;
          if (next === 'explicit') {
            setExplicit(true);
            onCommit(typeof value === 'number' ? value : 1);
          } else {
            setExplicit(false);
            onCommit(next);
          }
        }}
      >
        <option value="valid">valid</option>
        <option value="same">same</option>
        <option value="explicit">explicit</option>
      </select>
      {shown === 'explicit' && (
        <TypedInput
          spec={spec}
          value={typeof value === 'number' ? value : 1}
          onCommit={onCommit}
          onDone={onDone}
          testId={`${testId}-value`}
          hint={`0 – ${spec.type === 'padding' ? (spec.max ?? '') : ''}`}
          accept={(v) => (typeof v === 'number' ? null : `expected an integer ≥ 0 (pixels added on every side), got ${v === undefined ? 'nothing' : JSON.stringify(v)}`)}
        />
      )}
    </div>
  );
}
