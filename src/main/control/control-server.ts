import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { SLOT_ACTIONS, type HostStatus, type SlotAction } from '../../shared/host-api.js';
import { LiteCnnError } from '../errors.js';
import { useErrorReplies } from '../http/error-replies.js';
import { requireControlAuth } from './control-auth.js';

/** What the control API drives; the host implements it. */
export interface HostController {
  status(): Promise<HostStatus>;
  act(target: string, action: SlotAction): Promise<HostStatus>;
}

/**
 * The host's control API on 127.0.0.1: status, and start/stop/restart of either slot or both.
 * The CLI uses it; every request needs the per-launch token.
 */
export function buildControlServer(controller: HostController, token: string, logger: Logger): FastifyInstance {
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, bodyLimit: 64 * 1024 });
  useErrorReplies(app, logger);
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

  return app;
}

