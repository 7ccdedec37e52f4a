import { X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { writeFileAtomic } from '../fs/atomic-write.js';

/** What `litecnn tls generate` wrote. */
export interface GeneratedCertificate {
  certFile: string;
  keyFile: string;
  fingerprint256: string;
  names: string[];
  validTo: string;
}

/**
 * Makes a self-signed certificate (EC P-256, SHA-256) for internal use, valid for this machine's
 * loopback names plus `extraNames` (host names or IP addresses), and writes `cert.pem` and
 * `key.pem` (mode 0600) into `outDir`.
 */
export async function generateSelfSignedCertificate(outDir: string, extraNames: readonly string[] = [], days = 825): Promise<GeneratedCertificate> {
  const names = [...new Set(['localhost', '127.0.0.1', '::1', hostname(), ...extraNames])];
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + days * 86_400_000);
  // Imported on use: selfsigned and its crypto libraries weigh on every CLI start otherwise. A
  // CommonJS package: only its default export is there both compiled and bundled (dist/app).
  const { default: selfsigned } = await import('selfsigned');
  const pems = await selfsigned.generate([{ name: 'commonName', value: extraNames[0] ?? 'localhost' }, { name: 'organizationName', value: 'LiteCNN Dual (self-signed)' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: names.map((name) => (isIP(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name })) },
    ],
  });
  await mkdir(outDir, { recursive: true });
  const certFile = join(outDir, 'cert.pem');
  const keyFile = join(outDir, 'key.pem');
  await writeFileAtomic(keyFile, pems.private, 0o600);
  await writeFileAtomic(certFile, pems.cert, 0o644);
  const certificate = new X509Certificate(pems.cert);
  return { certFile, keyFile, fingerprint256: certificate.fingerprint256, names, validTo: certificate.validTo };
}
