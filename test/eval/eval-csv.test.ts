import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Prediction } from '../../src/shared/slot-api.js';
import { classInTop, labelMatches } from '../../src/main/eval/class-names.js';
import { EVAL_CSV_HEADER, evalCsvRow, type EvalImageRow } from '../../src/main/eval/eval-csv.js';

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks; records end with CRLF or LF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[index + 1] === '\n') index++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  assert.equal(quoted, false, 'an unterminated quoted field');
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

const pug: Prediction = { label: 'pug', breed_en: 'Pug', breed_ko: '퍼그', score: 0.8123456789 };
const shiba: Prediction = { label: 'shiba_inu', breed_en: 'Shiba Inu', breed_ko: '시바 이누', score: 0.1 };
const beagle: Prediction = { label: 'beagle', breed_en: 'Beagle', breed_ko: '비글', score: 0.05 };
const others: Prediction[] = ['a', 'b', 'c', 'd'].map((id) => ({ label: id, breed_en: id.toUpperCase(), breed_ko: id, score: 0.01 }));

function sampleRow(overrides: Partial<EvalImageRow> = {}): EvalImageRow {
  return {
    file: 'pug/one.jpg',
    trueClass: 'pug',
    asis: { predictions: [pug, shiba, ...others.slice(0, 3)], ms: 12.3456 },
    tobe: { predictions: [shiba, pug, ...others.slice(0, 3)], ms: 20 },
    agree: false,
    decodeMs: 3.14159,
    ...overrides,
  };
}

/** The row parsed back into an object keyed by the header's columns. */
function parsedRow(row: EvalImageRow): Record<string, string> {
  const [header, values, ...rest] = parseCsv(EVAL_CSV_HEADER + evalCsvRow(row));
  assert.equal(rest.length, 0);
  assert.equal(values!.length, header!.length);
  return Object.fromEntries(header!.map((name, index) => [name, values![index]!]));
}

test('the header names the columns in order, and header and rows end with CRLF', () => {
  assert.deepEqual(parseCsv(EVAL_CSV_HEADER)[0], [
    'file', 'true_class',
    'asis_top1', 'asis_top1_en', 'asis_score', 'asis_top1_correct', 'asis_top5_correct', 'asis_ms', 'asis_error',
    'tobe_top1', 'tobe_top1_en', 'tobe_score', 'tobe_top1_correct', 'tobe_top5_correct', 'tobe_ms', 'tobe_error',
    'agree', 'decode_ms',
  ]);
  assert.match(EVAL_CSV_HEADER, /[^\r\n]\r\n$/);
  assert.match(evalCsvRow(sampleRow()), /[^\r\n]\r\n$/);
});

test('a row parses back to its values: top-1, rounded numbers, 1/0 correctness', () => {
  assert.deepEqual(parsedRow(sampleRow()), {
    file: 'pug/one.jpg', true_class: 'pug',
    asis_top1: 'pug', asis_top1_en: 'Pug', asis_score: '0.812346', asis_top1_correct: '1', asis_top5_correct: '1', asis_ms: '12.35', asis_error: '',
    tobe_top1: 'shiba_inu', tobe_top1_en: 'Shiba Inu', tobe_score: '0.1', tobe_top1_correct: '0', tobe_top5_correct: '1', tobe_ms: '20', tobe_error: '',
    agree: '0', decode_ms: '3.14',
  });
});

test('a failed model fills only its error; an unlabelled image leaves correctness and agreement empty', () => {
  const row = parsedRow(sampleRow({ trueClass: null, tobe: { error: 'SLOT_DOWN: TO-BE is not running, start it' }, agree: null, decodeMs: null }));
  assert.equal(row['true_class'], '');
  assert.equal(row['asis_top1'], 'pug');
  assert.equal(row['asis_top1_correct'], '');
  assert.equal(row['asis_top5_correct'], '');
  assert.deepEqual(
    ['tobe_top1', 'tobe_top1_en', 'tobe_score', 'tobe_top1_correct', 'tobe_top5_correct', 'tobe_ms'].map((column) => row[column]),
    ['', '', '', '', '', ''],
  );
  assert.equal(row['tobe_error'], 'SLOT_DOWN: TO-BE is not running, start it');
  assert.equal(row['agree'], '');
  assert.equal(row['decode_ms'], '');
});

test('top-5 counts only the first five predictions; top-1 only the first', () => {
  const late = { predictions: [...others, shiba, pug], ms: 1 };
  const row = parsedRow(sampleRow({ asis: late, tobe: { predictions: [...others, pug], ms: 1 } }));
  assert.equal(row['asis_top5_correct'], '0');
  assert.equal(row['tobe_top1_correct'], '0');
  assert.equal(row['tobe_top5_correct'], '1');
});

test('fields with commas, quotes and line breaks are quoted and survive a round trip', () => {
  const file = 'odd, "name"\r\nwith lines.jpg';
  const trueClass = 'a "quoted", class';
  const line = evalCsvRow(sampleRow({ file, trueClass }));
  assert.ok(line.startsWith('"odd, ""name""\r\nwith lines.jpg","a ""quoted"", class",'), line);
  const row = parsedRow(sampleRow({ file, trueClass }));
  assert.equal(row['file'], file);
  assert.equal(row['true_class'], trueClass);
});

test('plain fields are not quoted', () => {
  assert.ok(evalCsvRow(sampleRow({ file: 'cats/tabby 1.jpg' })).startsWith('cats/tabby 1.jpg,pug,pug,Pug,0.812346,'));
});

test('a field a spreadsheet would run as a formula gets a leading quote', () => {
  for (const file of ['=HYPERLINK("http://x","y").jpg', '+1.jpg', '-2.jpg', '@SUM(A1).jpg', '\tTAB.jpg']) {
    assert.equal(parsedRow(sampleRow({ file }))['file'], `'${file}`, file);
  }
  assert.ok(evalCsvRow(sampleRow({ file: '=cmd|calc,x.jpg' })).startsWith(`"'=cmd|calc,x.jpg",`));
  const row = parsedRow(sampleRow({ trueClass: '=evil', tobe: { error: '-oops' } }));
  assert.equal(row['true_class'], "'=evil");
  assert.equal(row['tobe_error'], "'-oops");
  assert.equal(parsedRow(sampleRow({ file: 'a=b+c-d@e.jpg' }))['file'], 'a=b+c-d@e.jpg', 'only a leading character counts');
});

test('a class folder matches a label by id, English or Korean name', () => {
  assert.ok(labelMatches('pug', pug));
  assert.ok(labelMatches('Pug', pug));
  assert.ok(labelMatches('퍼그', pug));
  assert.ok(labelMatches('shiba_inu', shiba));
  assert.ok(labelMatches('Shiba Inu', shiba));
  assert.ok(labelMatches('시바 이누', shiba));
  assert.ok(!labelMatches('beagle', pug));
  assert.ok(!labelMatches('pu', pug));
});

test('case, underscores, hyphens, runs of spaces and outer spaces do not matter', () => {
  for (const name of ['SHIBA_INU', 'shiba-inu', 'Shiba  Inu', '  shiba inu ', 'shiba_-_inu', 'Shiba\tInu', '시바_이누', '시바-이누']) {
    assert.ok(labelMatches(name, shiba), name);
  }
  const hyphenated: Prediction = { label: 'german-shorthaired', breed_en: 'German Shorthaired', breed_ko: '저먼 쇼트헤어드 포인터', score: 1 };
  assert.ok(labelMatches('german_shorthaired', hyphenated));
  assert.ok(!labelMatches('germanshorthaired', hyphenated), 'a separator is not nothing');
  assert.ok(!labelMatches('', pug));
  assert.ok(!labelMatches(' _ ', { ...pug, breed_ko: '-' }), 'a name of separators only matches nothing');
});

test('a Korean folder name in decomposed form (as macOS may list it) still matches', () => {
  assert.ok(labelMatches('비글'.normalize('NFD'), beagle));
});

test('classInTop looks at the first k predictions only', () => {
  const predictions = [...others, shiba, pug];
  assert.ok(classInTop('shiba inu', predictions, 5));
  assert.ok(!classInTop('pug', predictions, 5));
  assert.ok(!classInTop('shiba inu', predictions, 1));
  assert.ok(!classInTop('pug', [], 5));
});
