import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EvalModelStats, EvalSummary, LatencySummary } from '../../src/shared/eval-api.js';
import type { Prediction, SlotId } from '../../src/shared/slot-api.js';
import { renderEvalReportHtml } from '../../src/main/eval/eval-report-html.js';
import { escapeMarkup, markup } from '../../src/main/eval/markup.js';
import { latencyBars } from '../../src/main/eval/svg-charts.js';

const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0xff, 0xd9]);

function latency(p50: number): LatencySummary {
  return {
    count: 100,
    meanMs: p50 + 0.5,
    p50Ms: p50,
    p90Ms: p50 * 2,
    p99Ms: p50 * 3,
    maxMs: p50 * 4,
    buckets: [
      { upperMs: 1, count: 0 },
      { upperMs: 5, count: 10 },
      { upperMs: 10, count: 60 },
      { upperMs: 25, count: 30 },
      { upperMs: 50, count: 0 },
    ],
  };
}

function modelStats(slot: SlotId, name: string, version: string, top1: number, top5: number, p50: number): EvalModelStats {
  return {
    slot,
    model: { name, version, sha256: `${slot === 'asis' ? 'a1b2c3d4e5f6' : '0f9e8d7c6b5a'}${'0'.repeat(52)}` },
    bundleSha256: null,
    answered: 99,
    failed: 1,
    top1Correct: top1,
    top5Correct: top5,
    top1Accuracy: top1 / 80,
    top5Accuracy: top5 / 80,
    latency: latency(p50),
  };
}

function prediction(label: string, en: string, ko: string, score: number): Prediction {
  return { label, breed_en: en, breed_ko: ko, score };
}

function sampleSummary(): EvalSummary {
  return {
    id: 'ev-20240501-1403',
    setDir: '/Users/kim/pets-val',
    setName: 'pets-val',
    state: 'done',
    error: null,
    startedAt: '2024-05-01T14:03:20.000Z',
    finishedAt: '2024-05-01T14:05:30.000Z',
    images: 100,
    labelled: 80,
    unreadable: 2,
    asis: modelStats('asis', 'litecnn-pets', '1.0.0', 61, 77, 7.25),
    tobe: modelStats('tobe', 'litecnn-pets-wide', '2.0.0-exp.1', 66, 79, 12.5),
    agreement: { compared: 97, agreed: 88, rate: 88 / 97 },
    classes: [
      { name: 'beagle', images: 40, asisTop1Correct: 30, tobeTop1Correct: 34 },
      { name: 'pug', images: 40, asisTop1Correct: 31, tobeTop1Correct: 32 },
    ],
    disagreements: [
      {
        file: 'beagle/b1.jpg',
        trueClass: 'beagle',
        asis: prediction('pug', 'Pug', '퍼그', 0.612),
        tobe: prediction('beagle', 'Beagle', '비글', 0.734),
        thumbnail: 'b1.jpg',
      },
      { file: 'pug/p7.jpg', trueClass: 'pug', asis: prediction('pug', 'Pug', '퍼그', 0.5), tobe: prediction('boxer', 'Boxer', '복서', 0.4), thumbnail: null },
    ],
    disagreementsTotal: 9,
    decodeP50Ms: 2.5,
    unknownClasses: [],
    setFingerprint: 'f',
  };
}

const thumbnails = new Map([['b1.jpg', JPEG]]);

/** The page's text with tags removed and entities left as they are, spaces collapsed. */
function visibleText(html: string): string {
  return html.replace(/<style>[\s\S]*?<\/style>/gu, ' ').replace(/<[^>]*>/gu, ' ').replace(/\s+/gu, ' ');
}

test('the report shows the set, date, both models and the headline numbers', () => {
  const html = renderEvalReportHtml(sampleSummary(), thumbnails);
  assert.match(html, /^<!DOCTYPE html>/u);
  assert.match(html, /<title>Evaluation of pets-val<\/title>/u);
  const text = visibleText(html);
  for (const expected of [
    'Evaluation of pets-val', '2024-05-01 14:03 UTC', 'took 2m10s',
    'litecnn-pets', '1.0.0', 'a1b2c3d4e5f6', 'litecnn-pets-wide', '2.0.0-exp.1', '0f9e8d7c6b5a',
    '100 images', '80 with a class folder', '90.7% agreement (88 of 97)', '2 unreadable',
    'Top-1 accuracy 76.3% (61 correct) 82.5% (66 correct)',
    'Top-5 accuracy 96.3% (77 correct) 98.8% (79 correct)',
    'Failures 1 1',
  ]) assert.ok(text.includes(expected), `missing "${expected}" in: ${text}`);
  assert.ok(!text.includes('unlabelled'));
});

test('the report has the per-class accuracy chart and both latency histograms with p50/p90/p99', () => {
  const html = renderEvalReportHtml(sampleSummary(), thumbnails);
  assert.match(html, /<h2>Top-1 accuracy per class<\/h2>\s*<svg/u);
  assert.match(html, /<title>AS-IS beagle: 30 of 40 \(75\.0%\)<\/title>/u);
  assert.match(html, /<title>TO-BE pug: 32 of 40 \(80\.0%\)<\/title>/u);
  assert.match(html, /aria-label="AS-IS latency per image \(ms\)"/u);
  assert.match(html, /aria-label="TO-BE latency per image \(ms\)"/u);
  assert.ok(html.includes('<title>≤10 ms: 60</title>'));
  const text = visibleText(html);
  assert.ok(text.includes('mean p50 p90 p99 max'));
  assert.ok(text.includes('AS-IS 100 7.8 ms 7.3 ms 14.5 ms 21.8 ms 29.0 ms'), text);
  assert.ok(text.includes('TO-BE 100 13.0 ms 12.5 ms 25.0 ms 37.5 ms 50.0 ms'), text);
});

test('the report makes no external request: no URL, only data URIs, no script', () => {
  const html = renderEvalReportHtml(sampleSummary(), thumbnails);
  assert.doesNotMatch(html, /https?:\/\//u);
  assert.doesNotMatch(html, /(src|href)\s*=\s*["']?\/\//u);
  assert.doesNotMatch(html, /<script|<link|@import|url\(/iu);
  for (const [, source] of html.matchAll(/\ssrc="([^"]*)"/gu)) assert.match(source!, /^data:image\/jpeg;base64,/u);
  assert.match(html, /Content-Security-Policy" content="default-src 'none'; img-src data:/u);
});

test('a disagreement shows its thumbnail as a JPEG data URI; one without a thumbnail shows none', () => {
  const html = renderEvalReportHtml(sampleSummary(), thumbnails);
  assert.ok(html.includes(`src="data:image/jpeg;base64,${Buffer.from(JPEG).toString('base64')}"`));
  assert.equal(html.match(/<img /gu)?.length, 1);
  const text = visibleText(html);
  assert.ok(text.includes('beagle/b1.jpg beagle Pug 퍼그 0.612 Beagle 비글 0.734'), text);
  assert.ok(text.includes('pug/p7.jpg pug Pug 퍼그 0.500 Boxer 복서 0.400'), text);
  assert.ok(text.includes('Showing the first 2 of 9 disagreements'));
});

test('all disagreements kept: no "first N of" note; none at all: says so', () => {
  const all = { ...sampleSummary(), disagreementsTotal: 2 };
  assert.ok(!renderEvalReportHtml(all, thumbnails).includes('Showing the first'));
  const none = { ...sampleSummary(), disagreements: [], disagreementsTotal: 0 };
  assert.ok(visibleText(renderEvalReportHtml(none, thumbnails)).includes('same top-1 class for every image'));
});

test('file, class, label and model names are escaped', () => {
  const summary = sampleSummary();
  summary.setName = '<b>set</b>';
  summary.asis.model.name = '"><img src=x onerror=alert(1)>';
  summary.classes = [{ name: 'Tom "&" Jerry', images: 3, asisTop1Correct: 1, tobeTop1Correct: 2 }];
  summary.disagreements = [
    {
      file: '<script>alert(1)</script>.jpg',
      trueClass: 'Tom "&" Jerry',
      asis: prediction('x" onmouseover="alert(1)', '<i>Pug</i>', '퍼그 & co', 0.5),
      tobe: prediction('beagle', 'Beagle', '비글', 0.4),
      thumbnail: 'b1.jpg',
    },
  ];
  const html = renderEvalReportHtml(summary, thumbnails);
  assert.ok(!html.includes('<script'), 'a file name becomes no script tag');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;.jpg'));
  assert.ok(html.includes('Tom &quot;&amp;&quot; Jerry'));
  assert.ok(!html.includes('Tom "&" Jerry'));
  assert.ok(html.includes('<title>Evaluation of &lt;b&gt;set&lt;/b&gt;</title>'));
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!html.includes('" onmouseover='));
  assert.ok(html.includes('title="x&quot; onmouseover=&quot;alert(1)"'));
  assert.ok(html.includes('&lt;i&gt;Pug&lt;/i&gt;'));
  assert.ok(html.includes('퍼그 &amp; co'));
});

test('an unlabelled set says so and has no accuracy figures or chart', () => {
  const summary = sampleSummary();
  summary.labelled = 0;
  summary.classes = [];
  for (const stats of [summary.asis, summary.tobe]) Object.assign(stats, { top1Correct: 0, top5Correct: 0, top1Accuracy: null, top5Accuracy: null });
  summary.disagreements = summary.disagreements.map((disagreement) => ({ ...disagreement, trueClass: null }));
  const html = renderEvalReportHtml(summary, thumbnails);
  const text = visibleText(html);
  assert.ok(text.includes('This set is unlabelled'));
  assert.ok(!text.includes('Top-1 accuracy'));
  assert.ok(!text.includes('Top-5 accuracy'));
  assert.ok(!html.includes('aria-label="Top-1 accuracy per class"'));
  assert.ok(html.includes('aria-label="AS-IS latency per image (ms)"'), 'latency is still shown');
  assert.ok(text.includes('90.7% agreement'));
});

test('a failed evaluation shows its error; a running or cancelled one says its figures are partial', () => {
  const failed = { ...sampleSummary(), state: 'failed' as const, error: 'Cannot read /Users/kim/pets-val: permission denied <EACCES>', finishedAt: '2024-05-01T14:04:00.000Z' };
  const text = visibleText(renderEvalReportHtml(failed, thumbnails));
  assert.ok(text.includes('This evaluation failed : Cannot read /Users/kim/pets-val: permission denied &lt;EACCES&gt;'), text);
  const running = { ...sampleSummary(), state: 'running' as const, finishedAt: null };
  const runningHtml = renderEvalReportHtml(running, thumbnails);
  assert.ok(visibleText(runningHtml).includes('still running'));
  assert.ok(!runningHtml.includes('took '));
  assert.ok(visibleText(renderEvalReportHtml({ ...sampleSummary(), state: 'cancelled' }, thumbnails)).includes('was cancelled'));
  assert.ok(!visibleText(renderEvalReportHtml(sampleSummary(), thumbnails)).includes('This evaluation'));
});

test('a model with no latencies gets a note instead of a histogram', () => {
  const summary = sampleSummary();
  summary.tobe.latency = { count: 0, meanMs: null, p50Ms: null, p90Ms: null, p99Ms: null, maxMs: null, buckets: [{ upperMs: 5, count: 0 }] };
  const html = renderEvalReportHtml(summary, thumbnails);
  assert.ok(html.includes('No latencies recorded for TO-BE.'));
  assert.ok(visibleText(html).includes('TO-BE 0 - - - - -'));
});

test('histogram bars run from the first to the last non-empty bucket, with samples above the last bound as one more bar', () => {
  assert.deepEqual(latencyBars(latency(1)), [
    { label: '≤5', count: 10 },
    { label: '≤10', count: 60 },
    { label: '≤25', count: 30 },
  ]);
  const overflow = { ...latency(1), count: 104 };
  assert.deepEqual(latencyBars(overflow).at(-1), { label: '>50', count: 4 });
  assert.equal(latencyBars(overflow).length, 5, 'the empty ≤50 bucket stays between');
});

test('markup escapes interpolated text and keeps nested markup', () => {
  assert.equal(escapeMarkup(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  const inner = markup`<b>${'<i>'}</b>`;
  assert.equal(markup`<p>${inner}${['&', 1, null, undefined]}</p>`.text, '<p><b>&lt;i&gt;</b>&amp;1</p>');
});
