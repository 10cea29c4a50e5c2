/**
 * The runtime host's hold on tfjs backends: activates the user's choice (once per choice while it stays
 * active), describes the device, and notices a lost WebGL context so the next run can fall back to wasm.
 * Host-neutral: the host passes how backends start (browser worker or Node).
 */
import * as tf from '@tensorflow/tfjs';
import { type BackendChoice, type BackendName, type BackendSelection, isSoftwareRenderer } from '../backends';

/** How a host starts backends: the browser's or Node's `use…Backend`, and the WebGL renderer name where there is one. */
export interface BackendStarter {
  start(choice: BackendChoice): Promise<BackendSelection>;
  renderer?(): string | undefined;
}

export interface ActiveBackend {
  name: BackendName;
  /** "SwiftShader (software)", "NVIDIA GeForce …", "WebAssembly SIMD" … */
  device: string;
  /** Why auto did not pick a faster one, e.g. "webgl: WebGL runs in software (…)". */
  skipped: string[];
}

interface WebglBackendLike {
  gpgpu?: { gl?: WebGLRenderingContext };
}

let lastChoice: BackendChoice | undefined;
let last: ActiveBackend | undefined;
let webglLost = false;
const watchedCanvases = new WeakSet<object>();

/** The WebGL context of tfjs' webgl backend, when that backend exists. */
function webglContext(): WebGLRenderingContext | undefined {
  try {
    return (tf.findBackend('webgl') as WebglBackendLike | null)?.gpgpu?.gl;
  } catch {
    return undefined;
  }
}

function watchWebgl() {
  const gl = webglContext();
  const canvas = gl?.canvas as (HTMLCanvasElement | OffscreenCanvas) | undefined;
  if (!canvas || watchedCanvases.has(canvas)) return;
  watchedCanvases.add(canvas);
  canvas.addEventListener('webglcontextlost', () => {
    webglLost = true;
  });
}

/** Whether the webgl backend's context is gone (the browser took it away, or a driver reset). */
export function webglContextLost(): boolean {
  return webglLost || webglContext()?.isContextLost() === true;
}

/**
 * A short device name from a WebGL renderer string: "ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x…) Direct3D11 …)"
 * → "NVIDIA GeForce RTX 3060"; software renderers by their name ("SwiftShader (software)").
 */
export function rendererName(renderer: string): string {
  const software = /swiftshader|llvmpipe|softpipe/i.exec(renderer)?.[0].toLowerCase();
  if (software) return `${software === 'swiftshader' ? 'SwiftShader' : software} (software)`;
  if (isSoftwareRenderer(renderer)) return `${renderer} (software)`;
  const angle = /^ANGLE \((.*)\)$/.exec(renderer.trim());
  if (!angle) return renderer;
  const parts = angle[1]!.split(', ');
  const gpu = parts.length > 1 ? parts[1]! : parts[0]!;
  return gpu.replace(/\s*\(0x[0-9a-f]+\)/gi, '').replace(/\s+(Direct3D\d*|OpenGL( ES)? \d|Vulkan \d).*$/i, '').trim() || renderer;
}

function deviceOf(name: BackendName, starter: BackendStarter): string {
  if (name === 'webgl') return rendererName(starter.renderer?.() ?? 'unknown renderer');
  if (name === 'wasm') {
    // Read, not evaluate: the wasm flags are async and have been settled once the backend is up.
    const flags = (tf.env() as unknown as { flags: Record<string, unknown> }).flags;
    const simd = flags.WASM_HAS_SIMD_SUPPORT === true;
    const threads = flags.WASM_HAS_MULTITHREAD_SUPPORT === true;
    return `WebAssembly${simd ? ' SIMD' : ''}${threads ? ', threads' : ''}`;
  }
  if (name === 'webgpu') return 'WebGPU';
  return 'plain JavaScript';
}

/**
 * Activates a backend for `choice` (the runtime's auto order, or the one named). Re-activates when another
 * part of the app switched tfjs away in between.
 */
export async function activateBackend(choice: BackendChoice, starter: BackendStarter): Promise<ActiveBackend> {
  if (last && lastChoice === choice && tf.getBackend() === last.name && !(last.name === 'webgl' && webglContextLost())) return last;
  // Shapes as uniforms: one shader per op kind rather than per tensor shape, so a U-Net's many conv sizes
  // compile far fewer programs on the first run.
  tf.env().set('WEBGL_USE_SHAPES_UNIFORMS', true);
  const selection: BackendSelection = await starter.start(choice);
  if (selection.backend === 'webgl') watchWebgl();
  lastChoice = choice;
  last = {
    name: selection.backend,
    device: deviceOf(selection.backend, starter),
    skipped: selection.attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.reason}`),
  };
  return last;
}

/**
 * After a lost context: drops tfjs' dead webgl backend and registers a fresh one (a later webgl run gets a new
 * context), then activates wasm. Tensors that lived on the old context are gone; callers recompile.
 */
export async function recoverFromLostWebgl(starter: BackendStarter): Promise<ActiveBackend> {
  const engine = tf.engine() as unknown as { registryFactory: Record<string, { factory: () => tf.KernelBackend; priority: number }> };
  const entry = engine.registryFactory.webgl;
  try {
    tf.removeBackend('webgl');
  } catch {
    // Already gone: nothing to drop.
  }
  if (entry) tf.registerBackend('webgl', entry.factory, entry.priority);
  webglLost = false;
  last = undefined;
  return activateBackend('wasm', starter);
}

/** For browser tests: makes the browser drop the webgl backend's context, as a GPU reset would. */
export function loseWebglContext(): boolean {
  const ext = webglContext()?.getExtension('WEBGL_lose_context');
  if (!ext) return false;
  ext.loseContext();
  webglLost = true;
  return true;
}
