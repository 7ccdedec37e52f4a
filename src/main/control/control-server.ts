import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { SLOT_ACTIONS, type CompareResult, type PathChoice, type HostEvent, type HostStatus, type LogLine, type SettingsUpdate, type SlotAction } from '../../shared/host-api.js';
import type { DeployResult, GateVerdict, GpuCheck, GpuPassphraseStatus, HistoryEntry, ReleaseTrigger, WatchStatus } from '../../shared/release-api.js';
import type { SlotId } from '../../shared/slot-api.js';
import { LiteCnnError } from '../errors.js';
import { parseSlotId } from '../host/slot-targets.js';
import { useErrorReplies } from '../http/error-replies.js';
import { requireControlAuth } from './control-auth.js';
import { useClientRateLimit, type RateLimit } from '../security/client-rate-limit.js';
import { endEventStreams, streamEvents } from './event-stream.js';
import { serveDashboard } from './dashboard-files.js';
import { UPLOAD_CONTENT_TYPES, readUploadBody, uploadedImage } from '../slot/upload-image.js';
import type { Settings } from '../../shared/settings.js';
import { useEvalRoutes, type EvaluationsController } from './eval-routes.js';
import { CHOOSE_PATH_BODY, DEPLOY_BODY, GPU_PASSPHRASE_BODY, GPU_TRUST_BODY, LOGS_QUERY, PROMOTE_BODY, ROLLBACK_BODY, SETTINGS_BODY, WATCH_BODY } from './control-route-schemas.js';
import { PRECOMPILED_ROUTE_SCHEMAS } from '../http/precompiled-route-schemas.js';

/** What the control API drives; the host implements it. */
export interface HostController {
  status(): Promise<HostStatus>;
  act(target: string, action: SlotAction): Promise<HostStatus>;
  deploy(options: { runId?: string; dryRun?: boolean; trigger: ReleaseTrigger }): Promise<DeployResult>;
  promote(options: { tag?: string; trigger: ReleaseTrigger; force?: boolean; reason?: string }): Promise<HistoryEntry>;
  promotionGate(): Promise<GateVerdict | null>;
  rollback(options: { slot: SlotId; to?: string; trigger: ReleaseTrigger }): Promise<HistoryEntry>;
  history(): Promise<HistoryEntry[]>;
  watchStatus(): WatchStatus;
  setWatch(enabled: boolean): WatchStatus;
  gpuCheck(): Promise<GpuCheck>;
  gpuHostKey(): Promise<{ target: string; hostKey: string; pinned: string }>;
  gpuTrust(fingerprint: string): Promise<{ hostKey: string }>;
  gpuPassphrase(): Promise<GpuPassphraseStatus>;
  rotateSlotToken(slot: SlotId): Promise<{ token: string; status: HostStatus }>;
  clearSlotToken(slot: SlotId): Promise<HostStatus>;
  setGpuPassphrase(passphrase: string): Promise<GpuPassphraseStatus>;
  choosePath(choice: PathChoice): Promise<string | null>;
  compare(image: Uint8Array): Promise<CompareResult>;
  readonly evaluations: EvaluationsController;
  shadowImage(name: string): Promise<{ bytes: Buffer; contentType: string }>;
  logs(component: string, count: number): Promise<LogLine[]>;
  readonly settings: Settings;
  updateSettings(change: Partial<Settings>): SettingsUpdate;
  on(event: 'event', listener: (event: HostEvent) => void): unknown;
  off(event: 'event', listener: (event: HostEvent) => void): unknown;
}

/**
 * The host's control API on 127.0.0.1: status and slot control, deploy / promote / rollback /
 * history, the watcher, the GPU server, and a live event stream. Every request needs the
 * per-launch token.
 */
export function buildControlServer(controller: HostController, token: string, logger: Logger, options: { maxUploadBytes: number; rateLimit?: RateLimit }): FastifyInstance {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 64 * 1024, schemaController: PRECOMPILED_ROUTE_SCHEMAS });
  useErrorReplies(app, logger);
  useClientRateLimit(app, options.rateLimit ?? { perSecond: 0, burst: 1 }, { scope: 'the control API', setting: 'controlRateLimitPerSecond' });
  requireControlAuth(app, token, () => {
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  });

  app.get('/api/status', async () => controller.status());

  app.post<{ Params: { target: string; action: string } }>('/api/slots/:target/:action', async (request) => {
    const { target, action } = request.params;
    if (!SLOT_ACTIONS.includes(action as SlotAction)) {
      throw new LiteCnnError('BAD_REQUEST', `Unknown action "${action}"; use ${SLOT_ACTIONS.join(', ')}.`, { httpStatus: 400 });
    }
    return controller.act(target, action as SlotAction);
  });

  app.post<{ Params: { slot: string } }>('/api/slots/:slot/token', async (request) => controller.rotateSlotToken(parseSlotId(request.params.slot)));

  app.delete<{ Params: { slot: string } }>('/api/slots/:slot/token', async (request) => controller.clearSlotToken(parseSlotId(request.params.slot)));

  app.post<{ Body: { runId?: string; dryRun?: boolean; trigger?: ReleaseTrigger } }>('/api/deploy', {
    schema: { body: DEPLOY_BODY },
  }, async (request) => {
    const { runId, dryRun, trigger: by } = request.body ?? {};
    return controller.deploy({ ...(runId !== undefined ? { runId } : {}), ...(dryRun ? { dryRun } : {}), trigger: by ?? 'api' });
  });

  app.post<{ Body: { tag?: string; trigger?: ReleaseTrigger; force?: boolean; reason?: string } }>('/api/promote', {
    schema: { body: PROMOTE_BODY },
  }, async (request) => {
    const { tag, trigger: by, force, reason } = request.body ?? {};
    return controller.promote({ ...(tag !== undefined ? { tag } : {}), trigger: by ?? 'api', ...(force ? { force } : {}), ...(reason !== undefined ? { reason } : {}) });
  });

  app.get('/api/promote/gate', async () => ({ verdict: await controller.promotionGate() }));

  app.post<{ Body: { slot: SlotId; to?: string; trigger?: ReleaseTrigger } }>('/api/rollback', {
    schema: { body: ROLLBACK_BODY },
  }, async (request) => {
    const { slot, to, trigger: by } = request.body;
    return controller.rollback({ slot, ...(to !== undefined ? { to } : {}), trigger: by ?? 'api' });
  });

  app.get('/api/history', async () => controller.history());

  app.get('/api/watch', async () => controller.watchStatus());

  app.post<{ Body: { enabled: boolean } }>('/api/watch', {
    schema: { body: WATCH_BODY },
  }, async (request) => controller.setWatch(request.body.enabled));

  app.get('/api/gpu', async () => controller.gpuCheck());

  app.get('/api/gpu/host-key', async () => controller.gpuHostKey());

  app.post<{ Body: { fingerprint: string } }>('/api/gpu/trust', {
    schema: { body: GPU_TRUST_BODY },
  }, async (request) => controller.gpuTrust(request.body.fingerprint));

  app.get('/api/gpu/passphrase', async () => controller.gpuPassphrase());

  app.put<{ Body: { passphrase: string } }>('/api/gpu/passphrase', {
    schema: { body: GPU_PASSPHRASE_BODY },
  }, async (request) => controller.setGpuPassphrase(request.body.passphrase));

  app.post<{ Body: { choice: PathChoice } }>('/api/choose-path', {
    schema: { body: CHOOSE_PATH_BODY },
  }, async (request) => ({ path: await controller.choosePath(request.body.choice) }));

  app.get('/api/events', (request, reply) => streamEvents(controller, request, reply));
  app.addHook('preClose', async () => endEventStreams());

  app.get<{ Params: { component: string }; Querystring: { lines?: number } }>('/api/logs/:component', {
    schema: { querystring: LOGS_QUERY },
  }, async (request) => controller.logs(request.params.component, request.query.lines ?? 100));

  app.get('/api/settings', async () => controller.settings);

  app.put<{ Body: Partial<Settings> }>('/api/settings', {
    schema: { body: SETTINGS_BODY },
  }, async (request) => controller.updateSettings(request.body));

  void app.register(async (images) => {
    // The dashboard's compare view sends each dropped image as the raw body.
    images.addContentTypeParser(UPLOAD_CONTENT_TYPES, (_request, payload, done) => readUploadBody(payload, options.maxUploadBytes, done));
    images.post('/api/compare', async (request) => controller.compare(uploadedImage(request, options.maxUploadBytes)));
  });

  useEvalRoutes(app, controller.evaluations);
  app.get<{ Params: { name: string } }>('/api/shadow/images/:name', async (request, reply) => {
    const { bytes, contentType } = await controller.shadowImage(request.params.name);
    return reply.header('content-type', contentType).header('x-content-type-options', 'nosniff').header('cache-control', 'private, max-age=86400').send(bytes);
  });
  serveDashboard(app);
  return app;
}
