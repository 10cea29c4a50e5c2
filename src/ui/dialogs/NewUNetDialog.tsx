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

  const preview = useMemo(() => {
    const input = unflattenOptions(values);
    const { problems } = checkUNetOptions(input);
    if (problems.length) return { ok: false as const, problems };
    const doc = buildUNet(input);
    return { ok: true as const, doc, analysis: analyzeGraph(doc, { solve: false }) };
  }, [values]);

  const set = (key: string) => (value: ParamValue) => setValues((v) => ({ ...v, [key]: value }));
  const applyPreset = (id: string) => {
    setPreset(id);
    setValues(presetValues(id));
  };
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
                {preview.analysis.errorCount > 0 && <span className="preview-error">{preview.analysis.errorCount} errors at this size</span>}
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
      <div className="unet-form">
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
            <input id="unet-name" className="field-input" value={String(values.name ?? '')} data-testid="unet-name" onChange={(e) => setValues((v) => ({ ...v, name: e.target.value }))} />
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
