import { PATH_CHOICES } from '../../shared/host-api.js';
import { schemaValidator } from '../schema-validator.js';
import { ROUTE_AJV_OPTIONS } from '../http/precompiled-route-schemas.js';

/**
 * The control API's request schemas, registered so that the build generates their code
 * (scripts/compile-schemas.ts) and Fastify never compiles them at start-up.
 */
const trigger = { enum: ['cli', 'app', 'api'] } as const;
/** Registers a route schema (PRECOMPILED_ROUTE_SCHEMAS finds its validator by the schema object) and returns it for the route. */
function route(name: string, schema: object): object {
  schemaValidator(`control-${name}`, schema, ROUTE_AJV_OPTIONS);
  return schema;
}

export const DEPLOY_BODY = route('deploy', { type: ['object', 'null'], additionalProperties: false, properties: { runId: { type: 'string', maxLength: 200 }, dryRun: { type: 'boolean' }, trigger } });
export const PROMOTE_BODY = route('promote', { type: ['object', 'null'], additionalProperties: false, properties: { tag: { type: 'string', maxLength: 50 }, trigger, force: { type: 'boolean' }, reason: { type: 'string', maxLength: 2000 } } });
export const ROLLBACK_BODY = route('rollback', { type: 'object', required: ['slot'], additionalProperties: false, properties: { slot: { enum: ['asis', 'tobe'] }, to: { type: 'string', maxLength: 100 }, trigger } });
export const WATCH_BODY = route('watch', { type: 'object', required: ['enabled'], additionalProperties: false, properties: { enabled: { type: 'boolean' } } });
export const GPU_TRUST_BODY = route('gpu-trust', { type: 'object', required: ['fingerprint'], additionalProperties: false, properties: { fingerprint: { type: 'string', pattern: '^SHA256:[A-Za-z0-9+/]{43}$' } } });
export const GPU_PASSPHRASE_BODY = route('gpu-passphrase', { type: 'object', required: ['passphrase'], additionalProperties: false, properties: { passphrase: { type: 'string', maxLength: 1024 } } });
export const CHOOSE_PATH_BODY = route('choose-path', { type: 'object', required: ['choice'], additionalProperties: false, properties: { choice: { enum: PATH_CHOICES } } });
export const LOGS_QUERY = route('logs', { type: 'object', properties: { lines: { type: 'integer', minimum: 1, maximum: 1000 } } });
export const SETTINGS_BODY = route('settings', { type: 'object' });
export const EVAL_BODY = route('eval', { type: 'object', required: ['dir'], additionalProperties: false, properties: { dir: { type: 'string', minLength: 1, maxLength: 4096 } } });
