/**
 * Pairs a user's files into image + mask by name: `cell7.png` with `cell7-mask.png` (also `_mask`, `.mask`,
 * `-label(s)`, `_gt`), or the same file name in an `images/` and a `masks/` (or `labels/`) folder.
 */
export interface NamedPair<T> {
  name: string;
  image: T;
  mask: T;
}

export interface Pairing<T> {
  pairs: NamedPair<T>[];
  /** Files left without a partner, by name. */
  unpaired: string[];
}

const MASK_SUFFIX = /[-_. ](mask|masks|label|labels|gt|seg)$/i;
const MASK_FOLDER = /(^|\/)(masks?|labels?|gt|ground[-_ ]?truth)\//i;
const IMAGE_EXT = /\.(png|jpe?g|tiff?|bmp|webp)$/i;

const stem = (path: string) => path.replace(/^.*\//, '').replace(/\.[^.]*$/, '');

/** `path` is the file's path relative to what was dropped or given (folders with `/`). */
export function pairByName<T>(files: { path: string; file: T }[]): Pairing<T> {
  const images = new Map<string, { path: string; file: T }>();
  const masks = new Map<string, { path: string; file: T }>();
  const unpaired: string[] = [];
  for (const f of files) {
    if (!IMAGE_EXT.test(f.path)) {
      unpaired.push(f.path);
      continue;
    }
    const s = stem(f.path);
    if (MASK_SUFFIX.test(s)) masks.set(s.replace(MASK_SUFFIX, '').toLowerCase(), f);
    else if (MASK_FOLDER.test(f.path)) masks.set(s.toLowerCase(), f);
    else images.set(s.toLowerCase(), f);
  }
  const pairs: NamedPair<T>[] = [];
  for (const [key, image] of [...images].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))) {
    const mask = masks.get(key);
    if (!mask) {
      unpaired.push(image.path);
      continue;
    }
    masks.delete(key);
    pairs.push({ name: stem(image.path), image: image.file, mask: mask.file });
  }
  for (const m of masks.values()) unpaired.push(m.path);
  return { pairs, unpaired };
}
