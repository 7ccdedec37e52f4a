import type { FastifyInstance } from 'fastify';
import type { Evaluations } from '../eval/evaluations.js';
import { EVAL_BODY } from './control-route-schemas.js';

/** What the control API's evaluation routes drive. */
export type EvaluationsController = Pick<Evaluations, 'start' | 'cancel' | 'list' | 'get' | 'readReport' | 'readThumbnail' | 'readCsv'>;

/**
 * Evaluation sets over the control API: start one on a folder (progress comes as `eval-progress`
 * events, the result as an `eval` event), list and read the stored ones, with their report, CSV and
 * disagreement thumbnails.
 */
export function useEvalRoutes(app: FastifyInstance, evaluations: EvaluationsController): void {
  app.get('/api/evals', async () => evaluations.list());

  app.post<{ Body: { dir: string } }>('/api/evals', {
    schema: { body: EVAL_BODY },
  }, async (request) => evaluations.start(request.body.dir));

  app.get<{ Params: { id: string } }>('/api/evals/:id', async (request) => evaluations.get(request.params.id));

  app.post<{ Params: { id: string } }>('/api/evals/:id/cancel', async (request) => evaluations.cancel(request.params.id));

  app.get<{ Params: { id: string } }>('/api/evals/:id/report.html', async (request, reply) => {
    const html = await evaluations.readReport(request.params.id);
    return reply.header('content-type', 'text/html; charset=utf-8').header('content-disposition', `attachment; filename="litecnn-eval-${request.params.id}.html"`).send(html);
  });

  app.get<{ Params: { id: string } }>('/api/evals/:id/results.csv', async (request, reply) => {
    const csv = await evaluations.readCsv(request.params.id);
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="litecnn-eval-${request.params.id}.csv"`).send(csv);
  });

  app.get<{ Params: { id: string; name: string } }>('/api/evals/:id/thumbnails/:name', async (request, reply) => {
    return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, max-age=86400').send(await evaluations.readThumbnail(request.params.id, request.params.name));
  });
}
