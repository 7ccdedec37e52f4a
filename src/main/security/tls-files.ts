import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LiteCnnError, describeError } from '../errors.js';

/** Reads and checks a PEM certificate and key pair; TLS_FILES_INVALID says which file is wrong and why. */
export async function readTlsFiles(files: { certFile: string; keyFile: string }): Promise<{ cert: Buffer; key: Buffer }> {
  const cert = await readPem(files.certFile, 'certificate');
  const key = await readPem(files.keyFile, 'key');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch (error) {
    throw invalid(`${files.certFile} is not a PEM certificate (${describeError(error)})`);
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(key))) throw new Error('the key does not belong to the certificate');
  } catch (error) {
    throw invalid(`${files.keyFile} is not the private key of ${files.certFile} (${describeError(error)})`);
  }
  if (new Date(certificate.validTo).getTime() < Date.now()) throw invalid(`${files.certFile} expired on ${certificate.validTo}`);
  return { cert, key };
}

async function readPem(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw invalid(`the TLS ${what} ${file} cannot be read (${describeError(error)})`);
  }
}

function invalid(why: string): LiteCnnError {
  return new LiteCnnError('TLS_FILES_INVALID', `${why}. Point the slot's TlsCert/TlsKey settings at a matching PEM pair; \`litecnn tls generate\` makes one for internal use.`, { httpStatus: 400 });
}
