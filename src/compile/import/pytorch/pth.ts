import { unzipSync } from 'fflate';
import { NameRegistry, Parser } from 'pickleparser';
import type { TorchTensor } from '../../stateDict';
import { type DType, isFloat, materialize } from './tensors';

/** A flat PyTorch state dict: "inc.double_conv.0.weight" → tensor, in the file's order. */
export interface FlatStateDict {
  tensors: Map<string, TorchTensor>;
  /** Entries that hold no weights (integer counters such as num_batches_tracked), by key. */
  skipped: string[];
}

const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'float32',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  DoubleStorage: 'float64',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ByteStorage: 'uint8',
  CharStorage: 'int8',
  BoolStorage: 'bool',
};

interface StorageRef {
  dtype: DType;
  key: string;
}

interface TensorRef {
  pickledTensor: true;
  storage: StorageRef;
  offset: number;
  shape: number[];
  strides: number[];
}

const isTensorRef = (v: unknown): v is TensorRef => typeof v === 'object' && v !== null && 'pickledTensor' in v;

/**
 * Reads a `torch.save` file (the zip format of torch ≥ 1.6): the pickle is parsed by pickleparser with only the
 * names a state dict needs mapped (nothing in the file is executed), and each tensor is read from its storage
 * record with its offset and strides, as float32 whatever it was saved as (float16 and bfloat16 included).
 */
export function readPth(bytes: Uint8Array): FlatStateDict {
  if (bytes[0] === 0x80 && bytes[1] !== undefined) throw new Error('this is a legacy torch.save file (PyTorch < 1.6); load it and save it again with a current PyTorch');
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new Error('not a PyTorch .pth/.pt file (expected the zip archive torch.save writes)');
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (err) {
    throw new Error(`cannot unzip the file: ${(err as Error).message}`);
  }
  const pkl = Object.keys(files).find((n) => /(^|\/)data\.pkl$/.test(n));
  if (!pkl) throw new Error('the archive has no data.pkl: not a torch.save file');
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const byteorder = files[`${prefix}byteorder`];
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== 'little') throw new Error('the tensors are saved big-endian; only little-endian files are supported');

  const names = new NameRegistry();
  names.register('collections', 'OrderedDict', () => new Map());
  names.register('torch._utils', '_rebuild_tensor_v2', (storage: StorageRef, offset: number, shape: number[], strides: number[]) => ({
    pickledTensor: true,
    storage,
    offset,
    shape: [...shape],
    strides: [...strides],
  }));
  names.register('torch._utils', '_rebuild_parameter', (data: unknown) => data);
  names.register('torch._utils', '_rebuild_parameter_with_state', (data: unknown) => data);
  names.register('torch._tensor', '_rebuild_from_type_v2', (fn: (...a: unknown[]) => unknown, _type: unknown, args: unknown[]) => fn(...args));
  for (const [storage, dtype] of Object.entries(STORAGE_DTYPES)) names.register('torch', storage, Object.assign(() => dtype, { dtype }));
  const parser = new Parser({
    nameResolver: names,
    unpicklingTypeOfDictionary: 'Map',
    persistentResolver: {
      resolve: (pid: unknown) => {
        const [kind, type, key] = pid as [string, { dtype?: DType } | undefined, string];
        if (kind !== 'storage' || !type?.dtype) throw new Error(`unsupported storage ${JSON.stringify(pid)}`);
        return { dtype: type.dtype, key: String(key) };
      },
    },
  });
  let root: unknown;
  try {
    root = parser.parse(files[pkl]!);
  } catch (err) {
    throw new Error(`cannot read the pickle: ${(err as Error).message}`);
  }
  const dict = findStateDict(root);
  if (!dict) throw new Error('the file holds no state dict (a dict of tensors); a pickled whole model cannot be read — save model.state_dict() instead');
  const tensors = new Map<string, TorchTensor>();
  const skipped: string[] = [];
  for (const [key, ref] of dict) {
    if (!isFloat(ref.storage.dtype)) {
      skipped.push(key);
      continue;
    }
    const storage = files[`${prefix}data/${ref.storage.key}`];
    if (!storage) throw new Error(`${key}: its storage data/${ref.storage.key} is missing from the archive`);
    try {
      tensors.set(key, materialize(storage, ref.storage.dtype, ref.shape, ref.offset, ref.strides));
    } catch (err) {
      throw new Error(`${key}: ${(err as Error).message}`);
    }
  }
  return { tensors, skipped };
}

const asEntries = (v: unknown): [string, unknown][] | undefined =>
  v instanceof Map ? [...v.entries()].map(([k, x]) => [String(k), x]) : undefined;

/** The dict of tensors: the root, or a checkpoint's "state_dict" / "model_state_dict" / "model" / … entry. */
function findStateDict(root: unknown): [string, TensorRef][] | undefined {
  const entries = asEntries(root);
  if (!entries) return undefined;
  if (entries.length && entries.every(([, v]) => isTensorRef(v))) return entries as [string, TensorRef][];
  for (const key of ['state_dict', 'model_state_dict', 'model', 'net', 'network', 'module']) {
    const inner = entries.find(([k]) => k === key);
    const found = inner && findStateDict(inner[1]);
    if (found) return found;
  }
  return undefined;
}
