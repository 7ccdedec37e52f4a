import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLabels, readLabelsFile } from '../../src/main/model/labels-file.js';
import { FIXTURE_SYNSET } from '../helpers/paths.js';

test('ImageNet synset lines give wnid ids and the first name', async () => {
  const labels = await readLabelsFile(FIXTURE_SYNSET);
  assert.equal(labels.length, 1000);
  assert.deepEqual(labels[207], { id: 'n02099601', en: 'golden retriever', ko: 'golden retriever' });
  assert.equal(labels[1]!.en, 'goldfish');
});

test('JSON labels keep ids and Korean names; a missing Korean name falls back to English', () => {
  const labels = parseLabels(JSON.stringify([{ id: 'pug', en: 'Pug', ko: '퍼그' }, { id: 7, en: 'Beagle' }]), 'labels.json');
  assert.deepEqual(labels, [{ id: 'pug', en: 'Pug', ko: '퍼그' }, { id: '7', en: 'Beagle', ko: 'Beagle' }]);
  assert.deepEqual(parseLabels('{"labels":["Cat","Dog"]}', 'x').map((l) => l.id), ['cat', 'dog']);
});

test('plain lines become slug ids', () => {
  assert.deepEqual(parseLabels('Maine Coon\nShiba Inu\n', 'x').map((l) => l.id), ['maine_coon', 'shiba_inu']);
});

test('bad labels are clear errors', () => {
  assert.throws(() => parseLabels('', 'labels.txt'), { code: 'LABELS_INVALID', message: /no labels/ });
  assert.throws(() => parseLabels('[{"id":"a"}]', 'labels.json'), { code: 'LABELS_INVALID', message: /#0 has no English name/ });
  assert.throws(() => parseLabels('[1,', 'labels.json'), { code: 'LABELS_INVALID', message: /not valid JSON/ });
  assert.throws(() => parseLabels('Pug\nPug', 'labels.txt'), { code: 'LABELS_INVALID', message: /twice/ });
});
