/**
 * The U-Net paper's pixel weight map (Ronneberger et al. 2015, eq. 2):
 *   w(x) = w_c(x) + w0 · exp(−(d1(x) + d2(x))² / 2σ²)
 * w_c balances the class frequencies; d1 and d2 are the distances to the nearest and the second-nearest cell,
 * so thin background gaps between touching cells weigh up to w0 more and the network learns to keep them.
 * Cells are the 4-connected components of the foreground (any non-zero label).
 */

export interface WeightMapOptions {
  /** Default 10, as the paper. */
  w0?: number;
  /** In pixels; default 5, as the paper. */
  sigma?: number;
}

/** Connected components (4-neighbourhood) of non-zero labels: component id per pixel (0 = background). */
export function components(labels: Uint8Array, width: number, height: number): { ids: Int32Array; count: number } {
  const ids = new Int32Array(labels.length);
  const stack: number[] = [];
  let count = 0;
  for (let start = 0; start < labels.length; start++) {
    if (labels[start] === 0 || ids[start] !== 0) continue;
    ids[start] = ++count;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      const x = p % width;
      const y = (p - x) / width;
      const visit = (q: number) => {
        if (labels[q] !== 0 && ids[q] === 0) {
          ids[q] = count;
          stack.push(q);
        }
      };
      if (x > 0) visit(p - 1);
      if (x < width - 1) visit(p + 1);
      if (y > 0) visit(p - width);
      if (y < height - 1) visit(p + width);
    }
  }
  return { ids, count };
}

/** Class-balancing weights: each class weighs total / (classes present · its pixel count), so the mean is 1. */
function classBalance(labels: Uint8Array): Float32Array {
  const counts = new Map<number, number>();
  for (const v of labels) counts.set(v, (counts.get(v) ?? 0) + 1);
  const table = new Float32Array(256);
  for (const [v, n] of counts) table[v] = labels.length / (counts.size * n);
  return table;
}

/**
 * The weight map of one label image. Distances are searched within the radius where the border term is still
 * above 10⁻⁴ of w0 (d1 + d2 ≤ σ·√(2 ln 10⁴) ≈ 4.3σ), which keeps it linear in the image size.
 */
export function borderWeightMap(labels: Uint8Array, width: number, height: number, options: WeightMapOptions = {}): Float32Array {
  const w0 = options.w0 ?? 10;
  const sigma = options.sigma ?? 5;
  const balance = classBalance(labels);
  const out = new Float32Array(labels.length);
  for (let p = 0; p < labels.length; p++) out[p] = balance[labels[p]!]!;
  const { ids, count } = components(labels, width, height);
  if (count < 2 || w0 === 0) return out;
  // The second cell may be up to `reach` away when the first is adjacent (d1 = 1, d2 = 13 still adds 0.2 at
  // w0 = 10, σ = 5), so the search covers the whole reach, not half of it.
  const radius = Math.ceil(sigma * Math.sqrt(2 * Math.log(1e4)));
  // Offsets by distance, so the search can stop once two distinct cells are found and no nearer one can follow.
  const offsets: { dy: number; dx: number; d: number }[] = [];
  for (let dy = -radius; dy <= radius; dy++)
    for (let dx = -radius; dx <= radius; dx++) {
      const d = Math.hypot(dx, dy);
      if (d <= radius) offsets.push({ dy, dx, d });
    }
  offsets.sort((a, b) => a.d - b.d);
  const twoSigma2 = 2 * sigma * sigma;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (labels[p] !== 0) continue; // the border term is for background pixels between cells
      let first = 0;
      let d1 = Infinity;
      let d2 = Infinity;
      for (const { dy, dx, d } of offsets) {
        if (d > d2) break;
        const yy = y + dy;
        const xx = x + dx;
        if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
        const id = ids[yy * width + xx]!;
        if (id === 0) continue;
        if (first === 0) {
          first = id;
          d1 = d;
        } else if (id !== first && d < d2) d2 = d;
      }
      if (d2 === Infinity) continue;
      const s = d1 + d2;
      out[p] = out[p]! + w0 * Math.exp(-(s * s) / twoSigma2);
    }
  return out;
}
