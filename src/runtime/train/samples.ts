/** The synthetic training sets (`--samples NAME`, and the Train tab's bundled data): seeded, generated here. */
import { membranes, nuclei, type Sample } from '../synthetic';

export const SAMPLE_SETS = {
  membranes: { title: 'Synthetic EM membranes (grayscale, cell interiors)', channels: 1, make: (i: number) => membranes(160, 1000 + i) },
  nuclei: { title: 'Synthetic stained nuclei (RGB, nuclei)', channels: 3, make: (i: number) => nuclei(160, 2000 + i) },
} as const satisfies Record<string, { title: string; channels: 1 | 3; make: (i: number) => Sample }>;

export type SampleSetName = keyof typeof SAMPLE_SETS;
export const isSampleSet = (name: string): name is SampleSetName => Object.hasOwn(SAMPLE_SETS, name);

/** `count` image + mask pairs of a set (the same for the same count, on every host). */
export function sampleSet(name: SampleSetName, count = 10): (Sample & { name: string })[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${name}-${i + 1}`, ...SAMPLE_SETS[name].make(i) }));
}
