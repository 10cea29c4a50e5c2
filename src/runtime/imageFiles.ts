import { readFile, writeFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbaImage } from './image';

/** Node: PNG or JPEG bytes (told apart by their signature) → RGBA pixels. */
export function decodeImage(bytes: Uint8Array, name = 'image'): RgbaImage {
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  try {
    if (isPng) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
    }
    if (isJpeg) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 100 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (err) {
    throw new Error(`${name}: cannot decode the ${isPng ? 'PNG' : 'JPEG'} (${err instanceof Error ? err.message : String(err)})`);
  }
  throw new Error(`${name}: not a PNG or JPEG file`);
}

export async function readImageFile(file: string): Promise<RgbaImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return decodeImage(new Uint8Array(bytes), file);
}

/** RGBA → PNG bytes; gray pictures (R = G = B everywhere, opaque) are stored as 8-bit grayscale. */
export function encodePng(image: RgbaImage): Buffer {
  const { width, height, data } = image;
  let gray = true;
  for (let i = 0; i < data.length && gray; i += 4) gray = data[i] === data[i + 1] && data[i] === data[i + 2] && data[i + 3] === 255;
  const png = new PNG({ width, height });
  png.data = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return PNG.sync.write(png, { colorType: gray ? 0 : 6, inputColorType: 6, inputHasAlpha: true });
}

export const writePng = (file: string, image: RgbaImage): Promise<void> => writeFile(file, encodePng(image));
