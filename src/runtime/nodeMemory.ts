import { freemem } from 'node:os';
import { parseByteSize, type MemoryLimit } from './memoryGuard';

/**
 * The memory a run may use in Node: `--max-memory` when given, else what the machine has free now (the kernel's
 * MemAvailable: free plus reclaimable cache). Undefined with a reason when the flag cannot be read.
 */
export function nodeMemoryLimit(flag: string | undefined): MemoryLimit | string {
  if (flag === undefined) return { bytes: freemem(), source: 'the free memory; --max-memory SIZE to change' };
  const bytes = parseByteSize(flag);
  return bytes === undefined ? `--max-memory: expected a size such as 8G, 512M or 2.5GiB, got "${flag}"` : { bytes, source: '--max-memory' };
}
