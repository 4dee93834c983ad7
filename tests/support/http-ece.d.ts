/** The part of http_ece (no published typings) the Web Push tests use: RFC 8188 encryption. */
declare module 'http_ece' {
  import type { ECDH } from 'node:crypto';
  type Params = {
    version: 'aes128gcm';
    privateKey?: ECDH;
    dh?: string;
    authSecret?: string;
    salt?: string;
    rs?: number;
  };
  const ece: { encrypt(buffer: Buffer, params: Params): Buffer; decrypt(buffer: Buffer, params: Params): Buffer };
  export default ece;
}
