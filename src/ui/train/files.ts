/** The user's training files: decoded in the page (images are small), paired by name, sent to the worker. */
import { pairByName } from '../../runtime';
import { decodeImage } from '../run/images';
import type { UserPair } from './trainSession';

export async function readPairs(files: File[]): Promise<{ pairs: UserPair[]; unpaired: string[] }> {
  const { pairs, unpaired } = pairByName(files.map((file) => ({ path: file.webkitRelativePath || file.name, file })));
  const decoded = await Promise.all(
    pairs.map(async (p) => ({ name: p.name, image: await decodeImage(p.image, p.image.name), mask: await decodeImage(p.mask, p.mask.name) })),
  );
  for (const p of decoded)
    if (p.image.width !== p.mask.width || p.image.height !== p.mask.height)
      throw new Error(`${p.name}: the mask is ${p.mask.width}×${p.mask.height}, the image ${p.image.width}×${p.image.height}`);
  return { pairs: decoded, unpaired };
}

/** Browser download of bytes made in memory. */
export function downloadBytes(fileName: string, bytes: Uint8Array | string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: fileName });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
