/**
 * Python identifiers from graph names. Node ids and labels are free text, so every name that reaches the
 * generated code goes through `pyIdent` (ASCII letters, digits, underscores; never a keyword, a name the code
 * itself uses, or an nn.Module attribute) — a node called `"); import os; ("` becomes a harmless identifier.
 */
const KEYWORDS = new Set(
  ('False None True and as assert async await break class continue def del elif else except finally for from global if import in ' +
    'is lambda nonlocal not or pass raise return try while with yield match case type').split(' '),
);

/** Names model.py defines or imports, and builtins it calls. */
const USED = new Set(
  ('torch nn F math self super float int len max min range print object list tuple dict str bool sum ' +
    'center_crop pad_to crop pad_same avg_pool_same depth_to_space ScaleShift load_safetensors load_weights build ' +
    'INPUT_SHAPE OUTPUT_SHAPE OUTPUT_ACTIVATION').split(' '),
);

/** nn.Module's own attributes (torch 1.13 and later): a submodule must not shadow them. */
const MODULE_ATTRS = new Set(
  ('T_destination add_module apply bfloat16 buffers children cpu cuda double dump_patches eval extra_repr float forward get_buffer ' +
    'get_extra_state get_parameter get_submodule half ipu load_state_dict modules mtia named_buffers named_children named_modules ' +
    'named_parameters parameters register_backward_hook register_buffer register_forward_hook register_forward_pre_hook ' +
    'register_full_backward_hook register_full_backward_pre_hook register_load_state_dict_post_hook register_module ' +
    'register_parameter register_state_dict_pre_hook requires_grad_ set_extra_state share_memory smart_apply state_dict to ' +
    'to_empty train type xpu zero_grad training call_super_init compile').split(' '),
);

export function pyIdent(raw: string, fallback = 'layer'): string {
  let s = raw.replace(/[^A-Za-z0-9_]+/g, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (!s) s = fallback;
  if (/^[0-9]/.test(s)) s = `n${s}`;
  return s;
}

/** Unique identifiers within one Python scope (a class's attributes, a function's variables). */
export class PyScope {
  private readonly taken = new Set<string>();

  constructor(private readonly attributes = false) {}

  reserve(name: string): void {
    this.taken.add(name);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  claim(raw: string, fallback?: string): string {
    const base = pyIdent(raw, fallback);
    const blocked = (n: string) => this.taken.has(n) || KEYWORDS.has(n) || USED.has(n) || (this.attributes && (MODULE_ATTRS.has(n) || n.startsWith('_')));
    let name = blocked(base) ? `${base}_` : base;
    for (let k = 2; blocked(name); k++) name = `${base}_${k}`;
    this.taken.add(name);
    return name;
  }
}

/** Free text for a comment or docstring: printable ASCII that cannot end the string or the line. */
export const pyText = (raw: string): string =>
  raw.replace(/[^A-Za-z0-9 _.,:()+×·/-]+/g, ' ').replace(/\s+/g, ' ').trim().replace(/^[^A-Za-z0-9]+/, '');

/** A class name for model.py from free text (a block's name): an identifier that is none of `reserved`, nor a name
 * the code uses or a keyword (those get `Block` appended). */
export function pyClassName(raw: string, reserved: readonly string[]): string {
  const base = pyIdent(raw, 'Block');
  return KEYWORDS.has(base) || USED.has(base) || reserved.includes(base) ? `${base}Block` : base;
}
