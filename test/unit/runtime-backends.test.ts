import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { activateFirst, isSoftwareRenderer } from '../../src/runtime/backends';
import { useNodeBackend } from '../../src/runtime/nodeBackends';

describe('Node backends', () => {
  it('auto picks wasm first', async () => {
    const selection = await useNodeBackend('auto');
    expect(selection).toEqual({ backend: 'wasm', attempts: [{ name: 'wasm', ok: true }] });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('can be told to use cpu, and back to wasm', async () => {
    expect((await useNodeBackend('cpu')).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await useNodeBackend('wasm')).backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('refuses GPU backends in Node with the ones it has', async () => {
    await expect(useNodeBackend('webgl')).rejects.toThrow('backend "webgl" is not available here (choose auto, wasm, cpu)');
  });

  it('falls through candidates that skip or fail, reporting why', async () => {
    const selection = await activateFirst([
      { name: 'webgpu', prepare: async () => 'no WebGPU adapter' },
      { name: 'webgl', prepare: async () => { throw new Error('context lost'); } },
      { name: 'cpu', prepare: async () => undefined },
    ]);
    expect(selection).toEqual({
      backend: 'cpu',
      attempts: [
        { name: 'webgpu', ok: false, reason: 'no WebGPU adapter' },
        { name: 'webgl', ok: false, reason: 'context lost' },
        { name: 'cpu', ok: true },
      ],
    });
    await expect(activateFirst([{ name: 'webgpu', prepare: async () => 'no WebGPU adapter' }])).rejects.toThrow(
      'no tfjs backend could start: webgpu (no WebGPU adapter)',
    );
  });
});

describe('software WebGL detection', () => {
  it.each([
    ['ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)', true],
    ['llvmpipe (LLVM 15.0.6, 256 bits)', true],
    ['Microsoft Basic Render Driver', true],
    ['ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)', false],
    ['Apple M2', false],
    ['Mali-G78', false],
  ])('%s → software %s', (renderer, software) => {
    expect(isSoftwareRenderer(renderer)).toBe(software);
  });
});
