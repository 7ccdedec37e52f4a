import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SLOT_TITLES, type SlotId } from '../../../shared/slot-api.js';
import { LiteCnnError } from '../../errors.js';
import { errorReply } from '../../http/error-replies.js';
import type { Classifier } from '../../inference/classify.js';
import { describeModel } from '../../model/model-description.js';
import { PROTOCOL_MODEL_VERSION } from '../../../shared/model-description.js';
import { PRODUCT_VERSION } from '../../product.js';
import { tritonModelName } from '../../model/model-names.js';
import type { AdmissionGate } from '../admission-gate.js';
import { modelNotLoaded } from '../served-model.js';
import type { ServedModel } from '../served-model.js';
import type { ReusableBuffers } from '../reusable-buffers.js';
import { INFERENCE_HEADER_LENGTH, parseInferRequest } from './infer-request.js';
import { inferReply } from './infer-response.js';

export interface OpenInferenceOptions {
  slot: SlotId;
  model: ServedModel;
  gate: AdmissionGate;
  uploads: ReusableBuffers;
  maxUploadBytes: number;
}

/** Where the protocol's routes live; errors there, unknown routes included, are `{ "error": string }`. */
export const OPEN_INFERENCE_PREFIX = '/v2';

/** Probes that stay open when the slot requires a token, like /healthz and /readyz. */
export const OPEN_INFERENCE_PROBES = ['/v2/health/live', '/v2/health/ready'];

type ModelParams = { name: string; version?: string };

const UNSUPPORTED_INFER_BODY = 'Unsupported content type: send the infer request as JSON (Content-Type: application/json), or with the binary tensor data extension as application/octet-stream with an Inference-Header-Content-Length header.';

/**
 * The Open Inference Protocol (KServe V2, as Triton and KServe speak it) beside the native API:
 * health, model metadata and readiness, and `infer` with JSON tensors or the binary tensor data
 * extension. The model is reached by its manifest name, the name `litecnn export` gives it, or the
 * slot's id (`asis`, `tobe`).
 * Errors are `{ "error": "message" }`, as the protocol specifies: the slot's own error replies
 * answer so under OPEN_INFERENCE_PREFIX (useErrorReplies); only a 415's advice is this protocol's.
 */
export async function openInferenceRoutes(app: FastifyInstance, options: OpenInferenceOptions): Promise<void> {
  const { slot, model, gate, uploads } = options;
  // Thrown on to the slot's error handler, which answers it (and sets its headers) like any other.
  app.setErrorHandler((error) => {
    if (errorReply(error).status === 415) throw new LiteCnnError('UNSUPPORTED_MEDIA_TYPE', UNSUPPORTED_INFER_BODY, { httpStatus: 415 });
    throw error;
  });
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: options.maxUploadBytes }, (_request, body, done) => done(null, body));

  app.get('/v2', async () => ({ name: 'litecnn-dual', version: PRODUCT_VERSION, extensions: ['binary_tensor_data', 'classification'] }));
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async (_request, reply) => reply.status(model.current ? 200 : 503).send({ ready: model.current !== null }));

  const metadata = async (request: FastifyRequest<{ Params: ModelParams }>): Promise<unknown> => {
    const session = servedModel(model, slot, request.params);
    return describeModel(session.manifest, session.signature);
  };
  app.get('/v2/models/:name', metadata);
  app.get('/v2/models/:name/versions/:version', metadata);

  const ready = async (request: FastifyRequest<{ Params: ModelParams }>): Promise<unknown> => {
    return { name: servedModel(model, slot, request.params).manifest.name, ready: true };
  };
  app.get('/v2/models/:name/ready', ready);
  app.get('/v2/models/:name/versions/:version/ready', ready);

  const infer = async (request: FastifyRequest<{ Params: ModelParams }>, reply: FastifyReply): Promise<unknown> => {
    const body = request.body;
    let answer;
    try {
      if (!(body instanceof Uint8Array)) throw new LiteCnnError('BAD_REQUEST', 'Bad infer request: send a JSON body (Content-Type: application/json), or JSON plus binary tensor data (application/octet-stream with Inference-Header-Content-Length).', { httpStatus: 400 });
      servedModel(model, slot, request.params);
      answer = await model.withSession(async (session) => {
        checkModel(session, slot, request.params);
        const description = describeModel(session.manifest, session.signature);
        const parsed = parseInferRequest(body, request.headers[INFERENCE_HEADER_LENGTH] as string | undefined, session.manifest, description);
        const output = await gate.run(() => session.outputFor(parsed.tensor));
        return inferReply(parsed, output, session.manifest, description);
      });
    } finally {
      uploads.give(body);
    }
    if (!answer) throw modelNotLoaded(slot);
    if (answer.headerLength === null) return reply.send(answer.body);
    return reply.header('content-type', 'application/octet-stream').header(INFERENCE_HEADER_LENGTH, String(answer.headerLength)).send(answer.body);
  };
  app.post('/v2/models/:name/infer', infer);
  app.post('/v2/models/:name/versions/:version/infer', infer);
}

/** The loaded model when the request names it (and its version, if given); else 404 or 503. */
function servedModel(model: ServedModel, slot: SlotId, params: ModelParams): Classifier {
  const session = model.current;
  if (!session) throw modelNotLoaded(slot);
  checkModel(session, slot, params);
  return session;
}

function checkModel(session: Classifier, slot: SlotId, { name, version }: ModelParams): void {
  const { manifest } = session;
  if (name !== manifest.name && name !== tritonModelName(manifest.name) && name !== slot) {
    throw new LiteCnnError('NOT_FOUND', `No model "${name}" here: the ${SLOT_TITLES[slot]} slot serves "${manifest.name}" (or call it "${slot}").`, { httpStatus: 404 });
  }
  if (version !== undefined && version !== PROTOCOL_MODEL_VERSION && version !== manifest.version) {
    throw new LiteCnnError('NOT_FOUND', `Model "${manifest.name}" version "${version}" is not loaded; the ${SLOT_TITLES[slot]} slot serves version "${PROTOCOL_MODEL_VERSION}" (${manifest.version}).`, { httpStatus: 404 });
  }
}
