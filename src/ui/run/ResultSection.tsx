import { useMemo, useState } from 'react';
import { dice, foregroundMask, iou, resampleMask } from '../../runtime';
import { DrawCanvas, drawSize, pixelCanvas } from './canvas';
import { classCss, drawAlone, drawOverlay, type ResultMode } from './drawResult';
import type { LoadedImage } from './images';
import { argmax, channelValues, classColor, classPixels, classShares, formatValue, heatmapPixels, imagePixels, maskPixels, VIRIDIS_CSS } from './render';
import type { OutputResult } from '../../runtime';
import type { ShownResult } from './session';

const MODE_LABELS: Record<ResultMode, string> = { overlay: 'Overlay', mask: 'Mask', heatmap: 'Heatmap', image: 'Image' };

function modesFor(out: OutputResult): ResultMode[] {
  if (out.view === 'image') return ['image', 'heatmap'];
  if (out.view === 'probability') return ['heatmap', 'overlay'];
  return ['overlay', 'mask', 'heatmap'];
}

interface Props {
  result: ShownResult;
  image: LoadedImage;
  stale: boolean;
  untrained: boolean;
  /** Weights from a file without UNet Studio's training record: nothing says whether they learnt anything. */
  unknownTraining?: boolean;
}

export function ResultSection({ result, image, stale, untrained, unknownTraining }: Props) {
  const [outputIndex, setOutputIndex] = useState(0);
  const out = result.outputs[Math.min(outputIndex, result.outputs.length - 1)]!;
  const modes = modesFor(out);
  const [chosenMode, setMode] = useState<ResultMode | undefined>();
  const mode = chosenMode && modes.includes(chosenMode) ? chosenMode : modes[0]!;
  const [channel, setChannel] = useState(0);
  const k = Math.min(channel, out.c - 1);
  const [opacity, setOpacity] = useState(0.55);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(() => new Set([0]));
  const [stretch, setStretch] = useState(false);
  const { coverage } = result.plan;

  const input = useMemo(() => pixelCanvas(image.rgba), [image]);
  const classes = useMemo(() => (out.c > 1 ? argmax(out.data, out.c) : undefined), [out]);
  const shares = useMemo(() => (classes ? classShares(classes, out.c) : []), [classes, out.c]);
  const heat = useMemo(() => (mode === 'heatmap' || out.view === 'probability' ? channelValues(out.data, out.c, k, stretch || out.view === 'image') : undefined), [out, k, mode, stretch]);
  const layer = useMemo(() => {
    if (mode === 'image') return pixelCanvas(imagePixels(out.data, out.c, out.w, out.h));
    if ((mode === 'overlay' || mode === 'mask') && classes) return pixelCanvas(classPixels(classes, out.w, out.h, mode === 'overlay' ? hidden : new Set()));
    if (heat) return pixelCanvas(heatmapPixels(heat.values, out.w, out.h, heat.min, heat.max));
    return undefined;
  }, [mode, out, classes, heat, hidden]);

  const binary = out.view !== 'image';
  const scores = useMemo(() => {
    if (!binary || !image.truth) return undefined;
    const truth = resampleMask(image.truth, image.rgba, coverage, out.w, out.h);
    const predicted = foregroundMask(out.data, out.c);
    return { dice: dice(predicted, truth), iou: iou(predicted, truth), truth };
  }, [binary, image, coverage, out]);
  const overInput = mode === 'overlay';
  // Ground truth in the same form as the prediction: tinted over the image, or as class colours alone.
  const truthLayer = useMemo(() => {
    if (!scores) return undefined;
    return pixelCanvas(overInput ? maskPixels(scores.truth, out.w, out.h, classColor(1)) : classPixels(scores.truth, out.w, out.h));
  }, [scores, out, overInput]);
  // Small outputs are drawn enlarged with nearest neighbour, so each output pixel stays a crisp square.
  const upscale = Math.max(1, Math.floor(480 / Math.max(out.w, out.h)));
  const size = overInput ? drawSize(image.rgba.width, image.rgba.height, 720) : drawSize(out.w * upscale, out.h * upscale, 720);
  const pixelated = !overInput;
  const showTruth = !!scores && mode !== 'image';
  const showInput = mode === 'image';
  const scaleFactor = out.w / coverage.w;
  const paint = (layerToDraw: HTMLCanvasElement | undefined) => (ctx: CanvasRenderingContext2D, w: number, h: number) => {
    if (overInput) drawOverlay(ctx, w, h, input, image.rgba.width, layerToDraw, coverage, opacity);
    else if (layerToDraw) drawAlone(ctx, w, h, layerToDraw);
  };

  return (
    <section className="rp-section" data-testid="run-result">
      <div className="rp-section-head">
        <h3 className="section-title">Result</h3>
        <div className="rp-segmented" role="radiogroup" aria-label="Result view">
          {modes.map((m) => (
            <button key={m} type="button" role="radio" aria-checked={mode === m} className={mode === m ? 'on' : ''} data-testid={`run-view-${m}`} onClick={() => setMode(m)}>
              {MODE_LABELS[m]}
            </button>
          ))}
        </div>
      </div>
      {stale && <p className="rp-note">The graph changed since this run: run again to update.</p>}
      <div className="rp-result-meta">
        {result.outputs.length > 1 ? (
          <select className="rp-inline-select" value={outputIndex} onChange={(e) => setOutputIndex(Number(e.target.value))} aria-label="Output">
            {result.outputs.map((o, i) => (
              <option key={o.id} value={i}>
                {o.id}
              </option>
            ))}
          </select>
        ) : (
          <span className="mono">{out.id}</span>
        )}
        <span className="mono" data-testid="run-output-size">
          {out.c}×{out.h}×{out.w}
        </span>
        <span>{out.view === 'classes' ? 'argmax over channels' : out.view === 'probability' ? 'probability' : 'image'}</span>
      </div>
      <div className={`rp-figures${showTruth || showInput ? ' two' : ''}`}>
        {showInput && (
          <figure>
            <DrawCanvas
              {...size}
              className="rp-canvas"
              testId="run-input-canvas"
              pixelated
              deps={[input, coverage]}
              draw={(ctx, w, h) => {
                ctx.imageSmoothingEnabled = false;
                ctx.drawImage(input, coverage.x, coverage.y, coverage.w, coverage.h, 0, 0, w, h);
              }}
            />
            <figcaption>
              Input {Math.round(coverage.w)}×{Math.round(coverage.h)}
            </figcaption>
          </figure>
        )}
        <figure>
          <DrawCanvas {...size} className="rp-canvas" testId="run-output-canvas" pixelated={pixelated} deps={[layer, mode, opacity, coverage, input]} draw={paint(layer)} />
          {showTruth && <figcaption>Prediction</figcaption>}
          {showInput && (
            <figcaption>
              Output {out.w}×{out.h}
              {scaleFactor > 1.01 ? ` (×${Number(scaleFactor.toFixed(2))})` : ''}
            </figcaption>
          )}
        </figure>
        {showTruth && (
          <figure>
            <DrawCanvas {...size} className="rp-canvas" testId="run-truth-canvas" pixelated={pixelated} deps={[truthLayer, mode, opacity, coverage, input]} draw={paint(truthLayer)} />
            <figcaption>Ground truth{image.truthMeaning ? ` · ${image.truthMeaning}` : ''}</figcaption>
          </figure>
        )}
      </div>
      {mode === 'overlay' && (
        <label className="rp-slider">
          <span>Opacity</span>
          <input type="range" min={0} max={1} step={0.05} value={opacity} onChange={(e) => setOpacity(Number(e.target.value))} />
        </label>
      )}
      {classes && (mode === 'overlay' || mode === 'mask') && (
        <ul className="rp-legend" data-testid="run-legend">
          {shares.map((s, c) => (
            <li key={c}>
              <button
                type="button"
                className={mode === 'overlay' && hidden.has(c) ? 'off' : ''}
                title={mode === 'overlay' ? (hidden.has(c) ? 'Show on the overlay' : 'Hide from the overlay') : undefined}
                onClick={() => mode === 'overlay' && setHidden((h) => (h.has(c) ? new Set([...h].filter((x) => x !== c)) : new Set([...h, c])))}
              >
                <i style={{ background: classCss(c) }} />
                class {c}
                <span className="rp-muted num">{(s * 100).toFixed(1)}%</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {heat && mode === 'heatmap' && (
        <div className="rp-scale" data-testid="run-colour-scale">
          {out.c > 1 && (
            <select className="rp-inline-select" value={k} onChange={(e) => setChannel(Number(e.target.value))} aria-label="Channel">
              {Array.from({ length: out.c }, (_, i) => (
                <option key={i} value={i}>
                  channel {i}
                </option>
              ))}
            </select>
          )}
          <span className="num">{formatValue(heat.min)}</span>
          <span className="rp-scale-bar" style={{ background: VIRIDIS_CSS }} />
          <span className="num">{formatValue(heat.max)}</span>
          {heat.sigmoid && <span className="rp-muted">sigmoid of logits</span>}
          {out.view !== 'image' && (
            <button type="button" className={`btn small ghost rp-toggle${stretch ? ' on' : ''}`} aria-pressed={stretch} title="Scale the colours to this channel's own min … max" onClick={() => setStretch((v) => !v)}>
              Stretch
            </button>
          )}
        </div>
      )}
      {scores && (
        <div className={`rp-scores${untrained ? ' chance' : ''}`} data-testid="run-scores" title={untrained ? 'Untrained — random weights: chance level, not a result' : undefined}>
          <div>
            <span className="rp-score-label">Dice</span>
            <span className="rp-score num" data-testid="run-dice">{scores.dice.toFixed(3)}</span>
          </div>
          <div>
            <span className="rp-score-label">IoU</span>
            <span className="rp-score num" data-testid="run-iou">{scores.iou.toFixed(3)}</span>
          </div>
          <p className="rp-muted">
            Foreground = {out.c > 1 ? 'argmax class 1' : 'p > 0.5'} vs the white of the mask, over the {Math.round(coverage.w)}×{Math.round(coverage.h)} px the output covers.
            {untrained && <strong className="rp-chance-note"> Untrained — random weights: these scores are chance level, not a result.</strong>}
            {unknownTraining && ' Weights from a file: whether they were trained is unknown.'}
          </p>
        </div>
      )}
    </section>
  );
}
