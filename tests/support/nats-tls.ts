/**
 * Throw-away PKI for NATS over TLS in tests, made with openssl into a temporary directory: a CA,
 * a server certificate for 127.0.0.1 and localhost signed by it, a client certificate signed by
 * it (for mutual TLS), and a second CA, not trusted by either side, with a client certificate of
 * its own. P-256, two days.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type TestPki = {
  dir: string;
  /** The CA that signed the server and client certificates. */
  caFile: string;
  /** A CA that signed nothing here: a client trusting only it must refuse the server. */
  otherCaFile: string;
  server: { certFile: string; keyFile: string };
  client: { certFile: string; keyFile: string };
  /** A client certificate signed by the other CA: a server verifying clients refuses it. */
  strangerClient: { certFile: string; keyFile: string };
};

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** A self-signed CA: `name.pem` and `name-key.pem` in `dir`. */
function makeCa(dir: string, name: string): { certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', `/CN=Tocsin test ${name}`, '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-keyout', keyFile, '-out', certFile,
  ]); // prettier-ignore
  return { certFile, keyFile };
}

/** A leaf certificate `name` signed by `ca`, with the given extensions. */
function makeLeaf(
  dir: string,
  name: string,
  ca: { certFile: string; keyFile: string },
  extensions: string,
): { certFile: string; keyFile: string } {
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}-key.pem`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl([
    'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', `/CN=${name}`, '-keyout', keyFile, '-out', csr,
  ]); // prettier-ignore
  openssl([
    'x509', '-req', '-in', csr, '-CA', ca.certFile, '-CAkey', ca.keyFile, '-CAcreateserial',
    '-days', '2', '-extfile', ext, '-out', certFile,
  ]); // prettier-ignore
  return { certFile, keyFile };
}

/** Make the CA, the server and client certificates, and the unrelated CA. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-nats-pki-'));
  const ca = makeCa(dir, 'ca');
  const other = makeCa(dir, 'other-ca');
  const server = makeLeaf(
    dir,
    'server',
    ca,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n',
  );
  const client = makeLeaf(dir, 'tocsin-gateway', ca, 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n');
  const strangerClient = makeLeaf(dir, 'stranger', other, 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n');
  return { dir, caFile: ca.certFile, otherCaFile: other.certFile, server, client, strangerClient };
}
