import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HostEvent } from '../../shared/host-api.js';
import type { HostController } from './control-server.js';

const KEEPALIVE_MS = 15_000;

/** Open event streams, so closing the server can end them (they never end by themselves). */
const openStreams = new Set<FastifyReply['raw']>();

/** Ends every open event stream; the server's close waits for them otherwise. */
export function endEventStreams(): void {
  for (const stream of openStreams) stream.end();
  openStreams.clear();
}

/** Sends host events as server-sent events (`event: <type>`, `data: <json>`) until the client leaves. */
export function streamEvents(controller: Pick<HostController, 'on' | 'off'>, request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  out.write(': connected\n\n');
  const send = (event: HostEvent): void => {
    out.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  };
  const keepalive = setInterval(() => out.write(': keepalive\n\n'), KEEPALIVE_MS);
  controller.on('event', send);
  openStreams.add(out);
  request.raw.on('close', () => {
    clearInterval(keepalive);
    controller.off('event', send);
    openStreams.delete(out);
  });
}
