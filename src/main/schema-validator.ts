import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

/** A JSON-schema check compiled on its first use. */
export interface SchemaValidator {
  /** Whether `candidate` matches; when not, `errors` lists why. */
  (candidate: unknown): boolean;
  readonly errors: ErrorObject[];
}

/**
 * Compiling a schema costs 30-100 ms; done at import, every CLI command and slot start paid for
 * the schemas it never used. This compiles `schema` (with all errors) when it first checks a value.
 */
export function schemaValidator(schema: object): SchemaValidator {
  let compiled: ValidateFunction | null = null;
  const validate = (candidate: unknown): boolean => {
    compiled ??= new Ajv({ allErrors: true }).compile(schema);
    return compiled(candidate);
  };
  return Object.defineProperty(validate, 'errors', { get: () => compiled?.errors ?? [] }) as SchemaValidator;
}
