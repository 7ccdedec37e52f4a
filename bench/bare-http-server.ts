import { createServer } from 'node:http';
import { readBundleFile } from '../src/main/model/bundle-file.js';
import { ModelSession } from '../src/main/inference/model-session.js';

/**
 * The least an HTTP server in Node can do around classify: node:http, the body read into one
 * buffer, the image cut out of the one-part form with two searches, classify on this thread, JSON
 * out. No framework, no validation, no worker thread, no metrics. The bench measures it beside the
 * slot to show what HTTP itself costs on this machine.
 */
const bundleFile = process.argv[2]!;
const session = await ModelSession.load(await readBundleFile(bundleFile), bundleFile);
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    const start = body.indexOf('\r\n\r\n') + 4;
    const end = body.lastIndexOf('\r\n--');
    session.classify(body.subarray(start, end), 5).then(
      (result) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ predictions: result.predictions, timing_ms: result.timing }));
      },
      (error: Error) => {
        response.statusCode = 400;
        response.end(JSON.stringify({ error: { code: 'BAD_REQUEST', message: error.message } }));
      },
    );
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
