import { useEffect, useId, useRef, useState } from 'react';
import { checkParam, describeSpec, type ParamSpec } from '../../core/params';
import type { ParamValue } from '../../core/types';

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/** What the user typed, as the value the schema should judge: numbers as numbers, anything else as text. */
export function parseTyped(text: string): ParamValue | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return NUMBER.test(t) ? Number(t) : t;
}

const rangeHint = (spec: ParamSpec): string => {
  if (spec.type !== 'int' && spec.type !== 'float') return '';
  const lo = spec.min !== undefined ? String(spec.min) : '';
  const hi = spec.max !== undefined ? String(spec.max) : '';
  return lo && hi ? `${lo} – ${hi}` : lo ? `≥ ${lo}` : hi ? `≤ ${hi}` : '';
};

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
 * One field generated from a ParamSpec. Typing is checked on every keystroke with the spec's own message; only
 * accepted values are committed, and leaving the field with a refused value restores the last good one.
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
          <TypedInput id={id} spec={spec} value={value} onCommit={onCommit} onDone={onDone} testId={testId} placeholder={hint} />
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
  placeholder?: string;
  /** Extra check after the schema's (e.g. padding explicit mode wants a number). */
  accept?: (v: ParamValue | undefined) => string | null;
}

/** A text box for numbers: shows the schema's message while the text is refused. */
export function TypedInput({ id, spec, value, onCommit, onDone, testId, placeholder, accept }: TypedInputProps) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const [error, setError] = useState<string | null>(null);
  const editing = useRef(false);
  // Follow outside changes (undo, a fix) unless the user is mid-edit.
  useEffect(() => {
    if (!editing.current) {
      setText(value === undefined ? '' : String(value));
      setError(null);
    }
  }, [value]);
  const onChange = (next: string) => {
    setText(next);
    const typed = parseTyped(next);
    const problem = accept?.(typed) ?? checkParam(spec, typed);
    setError(problem);
    if (!problem && typed !== undefined && typed !== value) onCommit(typed);
  };
  return (
    <div className="typed-input">
      <input
        id={id}
        className={`field-input mono${error ? ' invalid' : ''}`}
        type="text"
        inputMode="decimal"
        autoComplete="off"
        spellCheck={false}
        value={text}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        data-testid={testId}
        onFocus={() => (editing.current = true)}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
          if (e.key === 'Escape') {
            setText(value === undefined ? '' : String(value));
            setError(null);
            (e.target as HTMLInputElement).blur();
          }
        }}
        onBlur={() => {
          editing.current = false;
          if (error) {
            setText(value === undefined ? '' : String(value));
            setError(null);
          }
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

function PaddingInput({ id, spec, value, onCommit, onDone, testId }: Omit<TypedInputProps, 'placeholder'>) {
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
          placeholder={`0 – ${spec.type === 'padding' ? (spec.max ?? '') : ''}`}
          accept={(v) => (typeof v === 'number' ? null : `expected an integer ≥ 0 (pixels added on every side), got ${v === undefined ? 'nothing' : JSON.stringify(v)}`)}
        />
      )}
    </div>
  );
}
