import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { fixtureImage } from '../test/helpers/paths.js';

/** A real photo, re-encoded at a fixed size so every run sends the same bytes. */
export interface BenchImage {
  name: string;
  width: number;
  height: number;
  file: string;
  bytes: Buffer;
}

/** The photo every bench image is made from (test/fixtures/images). */
export const SOURCE_PHOTO = fixtureImage('dog-golden-retriever.jpg');

const SIZES = [
  { name: '640x480', width: 640, height: 480 },
  { name: '12MP', width: 4000, height: 3000 },
] as const;

const JPEG_QUALITY = 90;

/** Makes the 640x480 and 12 MP (4000x3000) JPEGs in `dir` by resizing the source photo. */
export async function makeBenchImages(dir: string): Promise<BenchImage[]> {
  const images: BenchImage[] = [];
  for (const size of SIZES) {
    const bytes = await sharp(SOURCE_PHOTO)
      .resize({ width: size.width, height: size.height, fit: 'cover' })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer();
    const file = join(dir, `dog-${size.name}.jpg`);
    await writeFile(file, bytes);
    images.push({ ...size, file, bytes });
  }
  return images;
}
