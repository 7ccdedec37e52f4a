import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { SlotId } from '../../src/shared/slot-api.js';
import { REPO_ROOT, fixtureImage } from '../helpers/paths.js';
import { eventually, postMultipart, startTestHost } from '../helpers/running-host.js';
import { tempDir } from '../helpers/temp-dir.js';
import { prometheusPath, promtoolPath } from '../helpers/test-tools.js';

const { url } = await startTestHost();
const urls = { asis: await url('asis'), tobe: await url('tobe') } as Record<SlotId, string>;
const photo = await readFile(fixtureImage('dog-siberian-husky.jpg'));
for (const slot of ['asis', 'tobe'] as const) assert.equal((await postMultipart(urls[slot], photo)).status, 200);

async function metricsText(slot: SlotId): Promise<string> {
  const response = await fetch(`${urls[slot]}/metrics`);
  assert.equal(response.status, 200);
  return response.text();
}

/** Each series' type (from `# TYPE`) and the label names its samples carry, without `slot`, `le` and `quantile`. */
function seriesOf(text: string): Map<string, { type: string; labels: Set<string> }> {
  const series = new Map<string, { type: string; labels: Set<string> }>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) series.set(name!, { type: type!, labels: new Set() });
  for (const [, sample, labels] of text.matchAll(/^([a-z_:][\w:]*)\{([^}]*)\} /gm)) {
    const name = [...series.keys()].find((base) => sample === base || (series.get(base)!.type === 'histogram' && /^(_bucket|_sum|_count)$/.test(sample!.slice(base.length)) && sample!.startsWith(base)));
    if (!name) continue;
    for (const [, label] of labels!.matchAll(/(\w+)="/g)) if (!['slot', 'le', 'quantile'].includes(label!)) series.get(name)!.labels.add(label!);
  }
  return series;
}

/** docs/metrics.md's table: each series with its type, labels and the slots that have it. */
async function documentedSeries(): Promise<Map<string, { type: string; labels: string[]; on: string }>> {
  const page = await readFile(join(REPO_ROOT, 'docs', 'metrics.md'), 'utf8');
  return new Map(page.split('\n').filter((line) => line.startsWith('| `litecnn_')).map((line) => {
    const [name, type, labels, on] = line.split('|').slice(1, -1).map((cell) => cell.trim());
    return [name!.replaceAll('`', ''), { type: type!, labels: [...labels!.matchAll(/`(\w+)`/g)].map((match) => match[1]!), on: on! }];
  }));
}

test('every series a slot exposes is in docs/metrics.md with its type and labels, and a slot exposes only its own', async () => {
  const documented = await documentedSeries();
  for (const slot of ['asis', 'tobe'] as const) {
    const expected = [...documented].filter(([, doc]) => (doc.on.startsWith('both') || doc.on.startsWith(slot === 'asis' ? 'AS-IS' : 'TO-BE')) && (!doc.on.includes('(Linux)') || process.platform === 'linux'));
    const live = seriesOf(await metricsText(slot));
    assert.deepEqual([...live.keys()].sort(), expected.map(([name]) => name).sort(), `${slot}: the series it exposes`);
    for (const [name, doc] of expected) {
      assert.equal(live.get(name)!.type, doc.type, `${slot} ${name}: type`);
      const labels = live.get(name)!.labels;
      if (labels.size > 0) assert.deepEqual([...labels].sort(), [...doc.labels].sort(), `${slot} ${name}: labels`);
    }
  }
  assert.ok(!seriesOf(await metricsText('tobe')).has('litecnn_shadow_requests_total'), 'TO-BE does not mirror, so it has no shadow series');
});

test('promtool check metrics passes on both slots\' /metrics', async () => {
  for (const slot of ['asis', 'tobe'] as const) {
    const text = await metricsText(slot);
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = execFile(promtoolPath(), ['check', 'metrics'], (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, output: stdout + stderr }));
      child.stdin!.end(text);
    });
    assert.equal(code, 0, `${slot}: ${output}`);
    assert.equal(output.trim(), '', `${slot}: promtool has nothing to say`);
  }
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('a real Prometheus scrapes both slots: up is 1 for each, and each has counted its /predict requests', async () => {
  const dir = await tempDir('litecnn-prometheus-');
  const targets = Object.values(urls).map((slotUrl) => new URL(slotUrl).host);
  await writeFile(join(dir, 'prometheus.yml'), [
    'global:',
    '  scrape_interval: 1s',
    'scrape_configs:',
    '  - job_name: litecnn',
    '    static_configs:',
    `      - targets: [${targets.map((target) => `'${target}'`).join(', ')}]`,
    '',
  ].join('\n'));
  const port = await freePort();
  const prometheus = spawn(prometheusPath(), [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  prometheus.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise((resolve) => prometheus.once('exit', resolve));
  after(async () => {
    prometheus.kill('SIGKILL');
    await exited;
  });
  const query = async (promql: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> => {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
    assert.equal(body.status, 'success');
    return body.data.result;
  };
  const bySlot = (results: { metric: Record<string, string>; value: [number, string] }[]): Record<string, number> => Object.fromEntries(results.map((result) => [result.metric.slot!, Number(result.value[1])]));
  const up = await eventually(async () => {
    const results = await query('up{job="litecnn"}');
    assert.equal(results.length, 2, `both targets scraped (prometheus log: ${log.slice(-500)})`);
    return results;
  }, 30_000, 250);
  assert.deepEqual(up.map((result) => Number(result.value[1])), [1, 1]);
  const predictions = bySlot(await query('sum by (slot) (litecnn_http_requests_total{route="/predict",status="200"})'));
  assert.ok(predictions.asis! >= 1 && predictions.tobe! >= 1, JSON.stringify(predictions));
});
