import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ErrorObject, Options, ValidateFunction } from 'ajv';

/** A JSON-schema check, ready on its first use. */
export interface SchemaValidator {
  /** Whether `candidate` matches; when not, `errors` lists why. */
  (candidate: unknown): boolean;
  readonly errors: ErrorObject[];
}

/** What the build's scripts/compile-schemas writes beside this module: Ajv's code for every registered schema. */
export interface PrecompiledSchemas {
  [name: string]: ValidateFunction | Record<string, string>;
  /** Each schema's schemaHash when its code was generated. */
  hashes: Record<string, string>;
}

/** The file the build writes next to this module (and next to the bundles in dist/app). */
export const PRECOMPILED_SCHEMAS_FILE = 'schema-validators.cjs';

/** Ajv's options unless a schema names its own, the same for generated code and for schemas compiled at run time. */
export const AJV_OPTIONS: Readonly<Options> = { allErrors: true };

const requireHere = createRequire(import.meta.url);
const registered = new Map<string, { schema: object; options: Readonly<Options> }>();
const validatorsBySchema = new WeakMap<object, SchemaValidator>();
let precompiled: PrecompiledSchemas | null | undefined;

/**
 * A validator for `schema`, registered as `name`. Compiling a schema with Ajv costs 30-100 ms of
 * CPU in every process and worker that checks a value (a model swap's new inference thread paid
 * it for the manifest), so the build generates each registered schema's code once; it is used when
 * its hash matches the schema, and Ajv compiles the schema on first use otherwise.
 */
export function schemaValidator(name: string, schema: object, options: Readonly<Options> = AJV_OPTIONS): SchemaValidator {
  if (registered.has(name)) throw new Error(`Two JSON schemas are registered as "${name}".`);
  registered.set(name, { schema, options });
  let compiled: ValidateFunction | null = null;
  const validate = (candidate: unknown): boolean => {
    compiled ??= precompiledValidator(name, schema) ?? compileSchema(schema, options);
    return compiled(candidate);
  };
  const validator = Object.defineProperty(validate, 'errors', { get: () => compiled?.errors ?? [] }) as SchemaValidator;
  validatorsBySchema.set(schema, validator);
  return validator;
}

/** The validator registered for this very schema object, if any. */
export function validatorOfSchema(schema: object): SchemaValidator | undefined {
  return validatorsBySchema.get(schema);
}

/** Every schema registered so far in this process, by name (what the build precompiles). */
export function registeredSchemas(): ReadonlyMap<string, object> {
  return new Map([...registered].map(([name, { schema }]) => [name, schema]));
}

/** The Ajv options a registered schema is checked with. */
export function schemaOptions(name: string): Readonly<Options> {
  return registered.get(name)?.options ?? AJV_OPTIONS;
}

/** Identifies a schema's content and options, so that generated code is never used for a schema that has changed since. */
export function schemaHash(schema: object, options: Readonly<Options> = AJV_OPTIONS): string {
  return createHash('sha256').update(JSON.stringify([schema, options])).digest('hex');
}

/** The build's generated code for `name`, when it was generated from this very schema. */
export function precompiledValidator(name: string, schema: object): ValidateFunction | null {
  if (precompiled === undefined) {
    try {
      precompiled = requireHere(`./${PRECOMPILED_SCHEMAS_FILE}`) as PrecompiledSchemas;
    } catch {
      precompiled = null;
    }
  }
  const code = precompiled?.[name];
  return typeof code === 'function' && precompiled?.hashes[name] === schemaHash(schema, schemaOptions(name)) ? code : null;
}

/** Ajv's compiler; loaded only when a schema has no generated code. */
export function compileSchema(schema: object, options: Readonly<Options> = AJV_OPTIONS): ValidateFunction {
  const { Ajv } = requireHere('ajv') as typeof import('ajv');
  return new Ajv(options).compile(schema);
}
