import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { BUILD_DIR, makeTrayIcons } from '../../scripts/make-tray-icons.js';
import { tempDir } from '../helpers/temp-dir.js';

async function rgba(file: string): Promise<{ data: Buffer; width: number; height: number; hasAlpha: boolean }> {
  const { hasAlpha = false } = await sharp(file).metadata();
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, hasAlpha };
}

describe('tray icons (build/)', () => {
  for (const [name, pixels] of [['trayTemplate.png', 18], ['trayTemplate@2x.png', 36]] as const) {
    test(`${name}: ${pixels}x${pixels}, black on transparent as a template image must be`, async () => {
      const { data, width, height, hasAlpha } = await rgba(join(BUILD_DIR, name));
      assert.deepEqual([width, height], [pixels, pixels]);
      assert.equal(hasAlpha, true);
      let opaque = 0;
      let clear = 0;
      for (let i = 0; i < data.length; i += 4) {
        const alpha = data[i + 3]!;
        if (alpha === 0) {
          clear++;
          continue;
        }
        if (alpha === 255) opaque++;
        assert.deepEqual([data[i], data[i + 1], data[i + 2]], [0, 0, 0], `pixel ${i / 4} is not black`);
      }
      assert.ok(opaque > pixels * 2, 'the glyph has a solid part');
      assert.ok(clear > (pixels * pixels) / 4, 'and a transparent background');
    });
  }

  test('icon.png: 1024x1024 with transparent corners (the macOS icon shape)', async () => {
    const { data, width, height, hasAlpha } = await rgba(join(BUILD_DIR, 'icon.png'));
    assert.deepEqual([width, height, hasAlpha], [1024, 1024, true]);
    assert.equal(data[3], 0, 'top-left corner');
    assert.equal(data[(512 * 1024 + 512) * 4 + 3], 255, 'centre');
  });

  test('the committed icons are what scripts/make-tray-icons makes', async () => {
    const fresh = await tempDir();
    for (const file of await makeTrayIcons(fresh)) {
      const name = file.slice(fresh.length + 1);
      const [made, committed] = await Promise.all([rgba(file), rgba(join(BUILD_DIR, name))]);
      assert.ok(made.data.equals(committed.data), `${name} differs: run \`npm run icons\``);
    }
  });
});
