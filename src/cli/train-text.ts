import type { TrainProgress } from '../runtime';

/** "850 ms", "12 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min${s % 60 ? ` ${s % 60} s` : ''}`;
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** One progress line: "step 50/500  loss 0.2183  val Dice 0.949 IoU 0.903  1.29 s/step (0.78 steps/s)  ETA 9 min 41 s". */
export function trainingLine(p: TrainProgress): string {
  const width = String(p.steps).length;
  const parts = [`step ${String(p.step).padStart(width)}/${p.steps}`, `loss ${p.loss.toFixed(4)}`];
  if (p.val) parts.push(`val Dice ${p.val.dice.toFixed(3)} IoU ${p.val.iou.toFixed(3)}`);
  const perStep = p.msPerStep >= 1000 ? `${(p.msPerStep / 1000).toFixed(2)} s/step` : `${Math.round(p.msPerStep)} ms/step`;
  parts.push(`${perStep} (${(1000 / p.msPerStep).toFixed(2)} steps/s)`);
  if (p.step < p.steps) parts.push(`ETA ${formatDuration(p.etaMs)}`);
  return parts.join('  ');
}
