import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';

/** The repository's build/ folder (electron-builder's build resources); this file runs as dist/scripts/make-tray-icons.js. */
export const BUILD_DIR = fileURLToPath(new URL('../../build/', import.meta.url));

/** The menu-bar icon's size in points: 18 pt suits the macOS menu bar (16 to 22 pt). */
export const TRAY_ICON_POINTS = 18;
export const APP_ICON_PIXELS = 1024;

/**
 * The two-slot glyph on an 18x18 grid, two server units stacked: AS-IS, the production slot,
 * solid with its light cut out; TO-BE, the experiment, as an outline with its light lit.
 */
function twoSlotGlyph(colour: string): string {
  return [
    `<mask id="asis-light"><rect width="18" height="18" fill="#fff"/><circle cx="5" cy="5.5" r="1.1" fill="#000"/></mask>`,
    `<rect x="2" y="2.5" width="14" height="6" rx="1.5" fill="${colour}" mask="url(#asis-light)"/>`,
    `<rect x="2.75" y="10.25" width="12.5" height="4.5" rx="1" fill="none" stroke="${colour}" stroke-width="1.5"/>`,
    `<circle cx="5" cy="12.5" r="0.9" fill="${colour}"/>`,
  ].join('');
}

/**
 * The tray icon as SVG: black on transparent, as macOS wants a template image (it recolours it
 * for light and dark menu bars, and highlights it when the menu is open).
 */
export function trayIconSvg(pixels: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${pixels}" height="${pixels}" viewBox="0 0 ${TRAY_ICON_POINTS} ${TRAY_ICON_POINTS}">${twoSlotGlyph('#000')}</svg>`;
}

/** The app icon as SVG: the glyph in white on a rounded square, inset as macOS app icons are (824 of 1024). */
export function appIconSvg(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${APP_ICON_PIXELS}" height="${APP_ICON_PIXELS}" viewBox="0 0 1024 1024">
<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2f6fdf"/><stop offset="1" stop-color="#173a8a"/></linearGradient></defs>
<rect x="100" y="100" width="824" height="824" rx="185" fill="url(#bg)"/>
<g transform="translate(224 224) scale(32)">${twoSlotGlyph('#fff')}</g>
</svg>`;
}

/** Renders the tray icons (1x and @2x) and the app icon into `outDir`; returns the files written. */
export async function makeTrayIcons(outDir = BUILD_DIR): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const outputs: [string, string][] = [
    ['trayTemplate.png', trayIconSvg(TRAY_ICON_POINTS)],
    ['trayTemplate@2x.png', trayIconSvg(TRAY_ICON_POINTS * 2)],
    ['icon.png', appIconSvg()],
  ];
  const written: string[] = [];
  for (const [name, svg] of outputs) {
    const file = join(outDir, name);
    await writeFile(file, await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toBuffer());
    written.push(file);
  }
  return written;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2] === undefined ? BUILD_DIR : resolve(process.argv[2]);
  for (const file of await makeTrayIcons(outDir)) process.stdout.write(`wrote ${file}\n`);
}
