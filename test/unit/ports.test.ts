import { describe, expect, it } from 'vitest';
import { portLabel, portsOf } from '../../src/core/ports';

describe('portsOf: the one place a node’s input ports are worked out', () => {
  it('follows the params: crop gains "like" in mode like; concat is variadic', () => {
    expect(portsOf({ op: 'crop', params: {} })).toMatchObject({ ports: { names: ['x', 'like'] }, min: 2, max: 2 });
    expect(portsOf({ op: 'crop', params: { mode: 'size' } })).toMatchObject({ ports: { names: ['x'] }, min: 1, max: 1 });
    expect(portsOf({ op: 'concat', params: {} })).toMatchObject({ min: 2, max: 32 });
    expect(portsOf({ op: 'input' })).toMatchObject({ min: 0, max: 0 });
  });

  it('knows nothing of unknown ops or params that are not an object', () => {
    expect(portsOf({ op: 'nope', params: {} })).toBeUndefined();
    expect(portsOf({ op: 42 })).toBeUndefined();
    expect(portsOf({ op: 'crop', params: [] })).toBeUndefined();
  });

  it('strict (raw documents): unknown or invalid params leave the ports unknown; lenient falls back to defaults', () => {
    expect(portsOf({ op: 'crop', params: { mode: 'size', colour: 1 } }, { strict: true })).toBeUndefined();
    expect(portsOf({ op: 'crop', params: { mode: 'bogus' } }, { strict: true })).toBeUndefined();
    expect(portsOf({ op: 'crop', params: { mode: 'size', colour: 1 } })?.max).toBe(1);
  });

  it('labels ports by name, or by number when variadic', () => {
    expect(portLabel({ names: ['x', 'like'] }, 1)).toBe('"like"');
    expect(portLabel({ variadic: { min: 2, max: 8 } }, 3)).toBe('3');
  });
});
