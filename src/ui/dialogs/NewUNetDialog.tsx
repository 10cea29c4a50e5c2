import { useMemo, useState } from 'react';
import { analyzeGraph } from '../../core/analysis';
import {
  buildUNet,
  checkUNetOptions,
  DEFAULT_UNET_OPTIONS,
  flattenOptions,
  UNET_OPTION_FIELDS,
  UNET_OPTION_LABELS,
  UNET_VARIANTS,
  unflattenOptions,
} from './unetOptions';
import { formatShape, type GraphDoc, type ParamValue } from '../../core/types';
import { formatInt, formatMacs } from '../model/format';
import { ParamField } from '../panels/ParamField';
import { Dialog } from './Dialog';
import { autoDescription, autoName, sizeVerdict } from './unetNaming';

const PRIMARY = [
  'depth',
  'base',
  'inChannels',
  'inputSize.h',
  'inputSize.w',
  'padding',
  'upMode',
  'concatMode',
  'down',
  'norm',
  'activation',
  'alpha',
  'dropout.0',
  'dropout.1',
  'head.classes',
  'head.activation',
];
const MORE = Object.keys(UNET_OPTION_FIELDS).filter((k) => !PRIMARY.includes(k));

const DEFAULT_PRESET = 'paper-572';

/** A variant's options over the defaults, flattened to the form's "a.b" keys. */
function presetValues(id: string): Record<string, unknown> {
  const variant = UNET_VARIANTS.find((v) => v.id === id);
  const base = flattenOptions(DEFAULT_UNET_OPTIONS);
  return variant ? { ...base, ...flattenOptions(variant.options) } : base;
}

/** "New U-Net…": every builder option as a form, a live preview, and Create. */
export function NewUNetDialog({ onClose, onCreate }: { onClose(): void; onCreate(doc: GraphDoc): void }) {
  const [values, setValues] = useState<Record<string, unknown>>(() => presetValues(DEFAULT_PRESET));
  const [preset, setPreset] = useState(DEFAULT_PRESET);
  const [more, setMore] = useState(false);
  // The name the user typed; until then the name follows the options (a preset keeps its own while untouched).
  const [typedName, setTypedName] = useState<string | null>(null);
  // The focused field's help, on one line of its own: help that opened under the field would move everything
  // below it when focus leaves, and the click that moved focus would miss its button.
  const [help, setHelp] = useState('');

  const untouched = useMemo(() => {
    const base = presetValues(preset);
    return Object.keys(UNET_OPTION_FIELDS).every((k) => base[k] === values[k]);
  }, [preset, values]);

  const preview = useMemo(() => {
    const input = unflattenOptions(values);
    const { problems } = checkUNetOptions(input);
    if (problems.length) return { ok: false as const, problems };
    const built = buildUNet(input);
    const analysis = analyzeGraph(built, { solve: false });
    const name = typedName ?? (untouched ? String(values.name ?? '') : autoName(values));
    const description = untouched ? built.description : autoDescription(values, analysis);
    const doc = { ...built, name, ...(description ? { description } : {}) };
    return { ok: true as const, doc, analysis, verdict: sizeVerdict(doc, analysis) };
  }, [values, typedName, untouched]);

  const set = (key: string) => (value: ParamValue) => setValues((v) => ({ ...v, [key]: value }));
  const applyPreset = (id: string) => {
    setPreset(id);
    setValues(presetValues(id));
    setTypedName(null);
  };
  const useSize = (size: { h: number; w: number }) => setValues((v) => ({ ...v, 'inputSize.h': size.h, 'inputSize.w': size.w }));
  const field = (key: string) => {
    const spec = UNET_OPTION_FIELDS[key]!;
    if (spec.when && !spec.when(values as Record<string, ParamValue>)) return null;
    return <ParamField key={`${preset}:${key}`} name={key} label={UNET_OPTION_LABELS[key] ?? key} spec={spec} value={values[key] as ParamValue} onCommit={set(key)} testId={`unet-${key}`} />;
  };

  return (
    <Dialog
      title="New U-Net"
      onClose={onClose}
      testId="new-unet-dialog"
      width={640}
      footer={
        <>
          <p className="unet-help" data-testid="unet-help" aria-live="polite">
            {help}
          </p>
          {preview.ok ? <SizeCheck verdict={preview.verdict} onUse={useSize} /> : <p className="unet-validity" />}
          <div className="unet-preview" data-testid="unet-preview">
            {!preview.ok ? (
              <span className="preview-error">{preview.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}</span>
            ) : (
              <>
                <span>
                  <strong>{formatInt(preview.analysis.totals.params.total)}</strong> params
                </span>
                <span>{formatMacs(preview.analysis.totals.macs)} mult-adds</span>
                <span className="mono">
                  {formatShape(preview.analysis.input?.shape)} → {formatShape(preview.analysis.mainPath.at(-1)?.output)}
                </span>
              </>
            )}
          </div>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="btn primary"
            data-testid="unet-create"
            disabled={!preview.ok}
            onClick={() => preview.ok && onCreate(preview.doc)}
          >
            Create
          </button>
        </>
      }
    >
      <div
        className="unet-form"
        onFocus={(e) => {
          const key = e.target.closest<HTMLElement>('[data-testid^="field-"]')?.dataset.testid?.slice('field-'.length);
          setHelp((key && UNET_OPTION_FIELDS[key]?.help) || '');
        }}
      >
        <div className="field wide">
          <label className="field-label" htmlFor="unet-preset">
            Start from
          </label>
          <div className="field-control">
            <select id="unet-preset" className="field-input" value={preset} data-testid="unet-preset" onChange={(e) => applyPreset(e.target.value)}>
              {UNET_VARIANTS.map((v) => (
                <option key={v.id} value={v.id}>
                  {v.options.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div className="field wide">
          <label className="field-label" htmlFor="unet-name">
            Name
          </label>
          <div className="field-control">
            <input
              id="unet-name"
              className="field-input"
              value={preview.ok ? preview.doc.name : (typedName ?? String(values.name ?? ''))}
              data-testid="unet-name"
              onChange={(e) => setTypedName(e.target.value)}
            />
          </div>
        </div>
        <div className="unet-grid">{PRIMARY.map(field)}</div>
        <button type="button" className="disclosure" aria-expanded={more} data-testid="unet-more" onClick={() => setMore((m) => !m)}>
          {more ? 'Fewer options' : `More options (${MORE.length})`}
        </button>
        {more && <div className="unet-grid">{MORE.map(field)}</div>}
      </div>
    </Dialog>
  );
}

const sizeText = (s: { h: number; w: number }) => `${s.h}×${s.w}`;
const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The net at its input size: valid, or not, with the nearest sizes that are as one-click choices. */
function SizeCheck({ verdict, onUse }: { verdict: ReturnType<typeof sizeVerdict>; onUse(size: { h: number; w: number }): void }) {
  if (verdict.kind === 'valid')
    return (
      <p className="unet-validity ok" data-testid="unet-validity">
        {sizeText(verdict)} is valid: every layer gets a size it can handle
      </p>
    );
  if (verdict.kind === 'blocked')
    return (
      <p className="unet-validity bad" data-testid="unet-validity">
        {verdict.message}
      </p>
    );
  return (
    <p className="unet-validity bad" data-testid="unet-validity">
      {sizeText(verdict)} is not valid for this net (
      {[verdict.errors && count(verdict.errors, 'error'), verdict.warnings && count(verdict.warnings, 'warning')].filter(Boolean).join(', ')})
      {verdict.nearest.length ? ' — nearest: ' : ' — no valid size within 512 px'}
      {verdict.nearest.map((s) => (
        <button key={sizeText(s)} type="button" className="btn small" data-testid={`unet-use-${sizeText(s).replace('×', 'x')}`} onClick={() => onUse(s)}>
          {sizeText(s)}
        </button>
      ))}
    </p>
  );
}
