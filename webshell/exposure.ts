/**
 * Whether the browser console may listen where it was asked to. On loopback nothing crosses the
 * network. Anywhere else a password is required, and TLS too: a password and a session cookie
 * sent over plain HTTP can be read by anyone on the path. `--insecure-http` is the operator
 * saying, in so many words, that something else protects the link (a TLS-terminating proxy on
 * the same host, a VPN).
 */
import { fail, ok, type Result } from '../common/result.js';
import { isLoopback } from './access.js';

/** What the command line asked for. */
export type ExposureRequest = {
  host: string;
  password: boolean;
  tls: boolean;
  insecureHttp: boolean;
};

/** Ok, or why the console refuses to start (naming the flag that fixes it). */
export function checkExposure(request: ExposureRequest): Result<'loopback' | 'tls' | 'insecure-http', 'exposed'> {
  if (isLoopback(request.host)) return ok('loopback');
  if (!request.password) {
    return fail(
      'exposed',
      `binding to ${request.host} exposes the console beyond this machine: give --password-file FILE`,
    );
  }
  if (request.tls) return ok('tls');
  if (request.insecureHttp) return ok('insecure-http');
  return fail(
    'exposed',
    `binding to ${request.host} over plain HTTP would send the password and the session cookie in the clear: ` +
      'give --tls-cert FILE --tls-key FILE, or --insecure-http if a TLS proxy on this host protects the link',
  );
}
