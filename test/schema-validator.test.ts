import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBundleFile } from '../src/main/model/bundle-file.js';
import { compileSchema, precompiledValidator, registeredSchemas, schemaValidator } from '../src/main/schema-validator.js';
import { REPO_ROOT } from './helpers/paths.js';

/** The names every `schemaValidator('name', ...)` call in src/ registers, and the modules that make those calls (as src/…/name.js). */
async function schemaCallsInSource(): Promise<{ names: string[]; modules: string[] }> {
  const names: string[] = [];
  const modules: string[] = [];
  const files = (await readdir(join(REPO_ROOT, 'src'), { recursive: true })).filter((name) => name.endsWith('.ts') && !name.endsWith('schema-validator.ts'));
  for (const file of files) {
    const calls = [...(await readFile(join(REPO_ROOT, 'src', file), 'utf8')).matchAll(/schemaValidator\('([^']+)'/g)].map((match) => match[1]!);
    if (calls.length === 0) continue;
    names.push(...calls);
    modules.push(join('src', file).replace(/\.ts$/, '.js'));
  }
  return { names, modules };
}

test("every JSON schema the app checks values against has the build's generated code, made from that very schema", async () => {
  const { names, modules } = await schemaCallsInSource();
  assert.ok(names.length >= 3, `found ${names.join(', ')}`);
  for (const module of modules) await import(join(REPO_ROOT, 'dist', module));
  for (const name of names) {
    const schema = registeredSchemas().get(name);
    assert.ok(schema, `${name} is registered`);
    assert.equal(typeof precompiledValidator(name, schema), 'function', `${name} has generated code matching its schema (npm run build writes it)`);
  }
  const compile = await readFile(join(REPO_ROOT, 'scripts', 'compile-schemas.ts'), 'utf8');
  for (const module of modules) {
    assert.ok(compile.includes(`import '../${module}';`), `scripts/compile-schemas.ts imports ../${module}`);
  }
});

test('the generated code accepts and rejects what Ajv compiling the schema at run time does, with the same errors', async () => {
  await import('../src/main/model/manifest-schema.js');
  const schema = registeredSchemas().get('manifest')!;
  const generated = precompiledValidator('manifest', schema)!;
  const compiled = compileSchema(schema);
  const { manifest } = await readBundleFile(join(REPO_ROOT, 'weights', 'model_8891.bin'));
  const candidates: unknown[] = [
    {},
    { name: '', version: 'v1' },
    { name: 'x'.repeat(201), version: 'v1', created: 'now', source: { kind: 'import' }, input: {}, output: {}, labels: [], onnx: { sha256: 'no', bytes: 0 } },
    manifest,
    { ...manifest, labels: manifest.labels.map((label) => ({ ...label, en: 7 })) },
  ];
  const answers = candidates.map((candidate) => {
    const accepted = generated(candidate);
    assert.equal(accepted, compiled(candidate));
    assert.deepEqual(generated.errors, compiled.errors);
    return accepted;
  });
  assert.deepEqual(answers, [false, false, false, true, false]);
});

test('a schema the build has no code for is compiled on its first use and still checks values', () => {
  const validate = schemaValidator('test-only-schema', { type: 'object', required: ['a'], properties: { a: { type: 'integer', minimum: 1 } } });
  assert.equal(precompiledValidator('test-only-schema', registeredSchemas().get('test-only-schema')!), null);
  assert.equal(validate({ a: 2 }), true);
  assert.equal(validate({ a: 0 }), false);
  assert.match(validate.errors[0]!.message ?? '', />= 1/);
  assert.throws(() => schemaValidator('test-only-schema', {}), /Two JSON schemas are registered as "test-only-schema"/);
});

test('generated code is not used for a schema that changed after the build', async () => {
  await import('../src/main/settings/settings-schema.js');
  const schema = registeredSchemas().get('settings-change')!;
  assert.equal(precompiledValidator('settings-change', { ...schema, description: 'changed since the build' }), null);
});
