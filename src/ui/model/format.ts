/** Number formatting shared by nodes, the inspector and the summary table. */

const grouped = new Intl.NumberFormat('en-US');

/**
 * 31030658 → "31,030,658". Counts are sums and products of whole numbers, exact while they stay below 2^53;
 * past it the last digits are float rounding, so the count is shown rounded ("≈ 1.03e16"), never as a wrong
 * exact integer.
 */
export const formatInt = (n: number): string =>
  Number.isSafeInteger(Math.round(n)) ? grouped.format(Math.round(n)) : `≈ ${n.toPrecision(3).replace('e+', 'e')}`;

/** Compact count for tight spots: 640 → "640", 36928 → "36.9 K", 31030658 → "31.0 M". */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1000) return String(Math.round(n));
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'K'],
  ];
  for (const [size, unit] of units)
    if (abs >= size) {
      const v = n / size;
      return `${v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${unit}`;
    }
  return String(n);
}

/** Multiply-adds, the way papers quote them: 150.43 GMAC. */
export function formatMacs(n: number): string {
  if (n === 0) return '0';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} K`;
  return String(n);
}

/** Bytes in decimal units (as torchinfo prints them): 83,174,400 → "83.17 MB". */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} KB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(2)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** "12:03" today, "3 Mar, 12:03" otherwise. */
export function formatTime(at: Date | number | string, now: Date = new Date()): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return 'earlier';
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === now.toDateString()) return time;
  return `${d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })}, ${time}`;
}
