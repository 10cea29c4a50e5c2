import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { forwardGeometry, type ConvBackpropAttrs, type Shape4 } from './convGeometry';
import { dispose, heapF32, offsetF32, reshaped, type KernelArgs, type WasmKernel } from './wasmHeap';

/**
 * Floats of patch matrix per block (4 MB): the product streams the patches once per 8 output channels and the packed
 * dy block once per 4 patch rows, so blocks that stay in cache beat one big product (measured ~1.5× on 128² layers).
 */
export const PATCH_BLOCK_FLOATS = 1024 * 1024;

interface Kernels {
  transpose: WasmKernel;
  matMul: WasmKernel;
}

/**
 * Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm 4.22 has none).
 *
 * dW[kh, kw, ci, co] = Σ_{n, oh, ow} x[n, oh·s + kh·d − pad, ow·s + kw·d − pad, ci] · dy[n, oh, ow, co], i.e. one
 * matrix product patchesᵀ [KH·KW·Ci, M] × dy [M, Co] over the M = N·OH·OW output pixels. The patch matrix is
 * built already transposed, from x transposed to [Ci, N, H, W] so each of its rows is filled by whole-row copies
 * (copyWithin on the heap) at stride 1; the product runs on XNNPACK's fully-connected path, the fastest GEMM in
 * this build. Measured on the base-16 U-Net's 128² layers this beats expressing the gradient as a convolution
 * through XNNPACK by ~20× (see BENCHMARKS.md).
 */
export function makeConv2dBackpropFilter(kernels: Kernels) {
  return function conv2dBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const { filterShape, ...conv } = attrs as unknown as ConvBackpropAttrs & { filterShape: Shape4 };
    const info = forwardGeometry(x.shape as Shape4, filterShape, conv, 'Conv2DBackpropFilter');
    const { batchSize: n, outHeight: oh, outWidth: ow, inChannels: ci, outChannels: co } = info;
    const k = info.filterHeight * info.filterWidth * ci;
    const rows = n * oh; // one "row" = one output row of one image, OW pixels
    const rowsPerBlock = Math.max(1, Math.min(rows, Math.floor(PATCH_BLOCK_FLOATS / (k * ow))));

    const xT = kernels.transpose({ inputs: { x }, backend, attrs: { perm: [3, 0, 1, 2] } });
    let total: tf.TensorInfo | undefined;
    for (let r0 = 0; r0 < rows; r0 += rowsPerBlock) {
      const r1 = Math.min(rows, r0 + rowsPerBlock);
      const m = (r1 - r0) * ow;
      const patches = backend.makeOutput([k, m], 'float32');
      const dyBlock = r1 - r0 === rows ? dy : copyRows(backend, dy, r0 * ow * co, m * co, [m, co]);
      fillPatches(backend, xT, patches, info, r0, r1);
      const part = kernels.matMul({
        inputs: { a: reshaped(patches, [1, k, m]), b: reshaped(dyBlock, [1, m, co]) },
        backend,
        attrs: { transposeA: false, transposeB: false },
      });
      dispose(backend, patches);
      if (dyBlock !== dy) dispose(backend, dyBlock);
      if (total) {
        const heap = heapF32(backend, total);
        const t = offsetF32(backend, total);
        const p = offsetF32(backend, part);
        for (let i = 0; i < k * co; i++) heap[t + i]! += heap[p + i]!;
        dispose(backend, part);
      } else total = part;
    }
    dispose(backend, xT);
    return { ...total!, shape: [...filterShape] };
  };
}

/** A new tensor holding `count` floats of `src` from float `start` on. */
function copyRows(backend: BackendWasm, src: tf.TensorInfo, start: number, count: number, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const heap = heapF32(backend, out);
  const from = offsetF32(backend, src) + start;
  heap.copyWithin(offsetF32(backend, out), from, from + count);
  return out;
}

/**
 * patches[(kh·KW + kw)·Ci + c, (row − r0)·OW + j] = x[n, oh·sh + kh·dh − top, j·sw + kw·dw − left, c] (zero outside),
 * for the output rows r0 ≤ row = n·OH + oh < r1; `xT` is x as [Ci, N, H, W].
 */
function fillPatches(backend: BackendWasm, xT: tf.TensorInfo, patches: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, r0: number, r1: number): void {
  const heap = heapF32(backend, xT);
  const src = offsetF32(backend, xT);
  const dst = offsetF32(backend, patches);
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  const m = (r1 - r0) * ow;
  for (let kh = 0; kh < fh; kh++)
    for (let kw = 0; kw < fw; kw++) {
      const iw0 = kw * dw - left; // input column of output column 0
      // Output columns whose input column lies inside the image: iw0 + j·sw ∈ [0, w).
      const jStart = Math.min(ow, Math.max(0, Math.ceil(-iw0 / sw)));
      const jEnd = Math.max(jStart, Math.min(ow, Math.ceil((w - iw0) / sw)));
      for (let c = 0; c < ci; c++) {
        const rowBase = dst + ((kh * fw + kw) * ci + c) * m;
        for (let row = r0; row < r1; row++) {
          const img = Math.floor(row / oh);
          const ih = (row - img * oh) * sh + kh * dh - top;
          const d = rowBase + (row - r0) * ow;
          if (ih < 0 || ih >= h) {
            heap.fill(0, d, d + ow);
            continue;
          }
          if (jStart > 0) heap.fill(0, d, d + jStart);
          if (jEnd < ow) heap.fill(0, d + jEnd, d + ow);
          const s = src + ((c * n + img) * h + ih) * w + iw0;
          if (sw === 1) heap.copyWithin(d + jStart, s + jStart, s + jEnd);
          else for (let j = jStart; j < jEnd; j++) heap[d + j] = heap[s + j * sw]!;
        }
      }
    }
}
