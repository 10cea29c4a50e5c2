/**
 * tfjs layer and weight names must match /^[A-Za-z0-9][-A-Za-z0-9._]*$/ ('/' is its scope separator), while
 * node ids are free text. Valid ids are used verbatim (the usual case: `enc0_conv1`); others are mapped.
 */
const VALID = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

export function layerSafeName(id: string): string {
  if (VALID.test(id)) return id;
  const cleaned = id.replace(/[^-A-Za-z0-9._]/g, '_');
  return /^[A-Za-z0-9]/.test(cleaned) ? cleaned : `n${cleaned}`;
}

/** Hands out names unique within one model: a taken name gets `_2`, `_3`, …. */
export class NameRegistry {
  private readonly taken = new Set<string>();

  claim(wanted: string): string {
    const base = layerSafeName(wanted);
    let name = base;
    for (let k = 2; this.taken.has(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }
}
