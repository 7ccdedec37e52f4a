import type { FastifyServerOptions } from 'fastify';
import { validatorOfSchema } from '../schema-validator.js';

/**
 * The Ajv options @fastify/ajv-compiler uses by default, so that a route schema means what it
 * meant when Fastify compiled it (a querystring's numbers coerced, properties a schema forbids
 * removed, defaults filled in, the first error reported).
 */
export const ROUTE_AJV_OPTIONS = { coerceTypes: 'array', useDefaults: true, removeAdditional: true, allErrors: false } as const;

/**
 * A Fastify server's schema controller that takes each route schema's code from the build
 * (schemaValidator with ROUTE_AJV_OPTIONS) instead of compiling it: Fastify's own compilers load
 * Ajv and fast-json-stringify and compile every route schema at start-up, some 100 ms of the host's
 * CPU (docs/footprint.md). A route whose schema is not registered fails to start, naming the route.
 * No route here has a response schema; replies are serialised with JSON.stringify.
 */
export const PRECOMPILED_ROUTE_SCHEMAS: SchemaController = {
  compilersFactory: {
    // Fastify's types ask for Ajv's own function type; it calls the validator and reads its `errors`, which SchemaValidator has.
    buildValidator: (() => ({ schema, method, url, httpPart }: { schema: unknown; method: string; url: string; httpPart?: string }) => {
      const validator = typeof schema === 'object' && schema !== null ? validatorOfSchema(schema) : undefined;
      if (!validator) throw new Error(`${method} ${url}: its ${httpPart ?? 'request'} schema is not registered with schemaValidator(name, schema, ROUTE_AJV_OPTIONS), so the build has no code for it.`);
      return validator;
    }) as unknown as ValidatorFactory,
    buildSerializer: () => () => (data: unknown) => JSON.stringify(data),
  },
};

type SchemaController = NonNullable<FastifyServerOptions['schemaController']>;
type ValidatorFactory = NonNullable<NonNullable<SchemaController['compilersFactory']>['buildValidator']>;
