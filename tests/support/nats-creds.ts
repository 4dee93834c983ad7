/**
 * Decentralized JWT auth for nats-server in tests: an operator, a system account and an account
 * with JetStream (unlimited), the account JWTs preloaded into a MEMORY resolver, and users' `.creds`
 * files (user JWT and NKey seed) written into a temporary directory. A "stranger" is a user of an
 * account the server was never told about: the server refuses it (authorization violation).
 * JWTs are signed with @nats-io/jwt (the format nats-server verifies: ed25519-nkey).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAccount,
  createOperator,
  createUser,
  encodeAccount,
  encodeOperator,
  encodeUser,
  fmtCreds,
} from '@nats-io/jwt';

/** What a server's configuration needs, and how to make users. */
export type NatsAuth = {
  dir: string;
  operatorJwt: string;
  systemAccount: string;
  /** The public key of the account with JetStream that `userCreds` users belong to. */
  account: string;
  /** Account public key → its JWT, for `resolver_preload`. */
  accounts: Record<string, string>;
  /** Write `<name>.creds` for a new user of the JetStream account; its path. */
  userCreds(name: string): Promise<string>;
  /** Write `<name>.creds` for a user of an account this server does not know; its path. */
  strangerCreds(name: string): Promise<string>;
};

/** Unlimited account limits, JetStream enabled (a limit missing from the JWT reads as 0: nothing allowed). */
const UNLIMITED = {
  subs: -1,
  data: -1,
  payload: -1,
  imports: -1,
  exports: -1,
  wildcards: true,
  conn: -1,
  leaf: -1,
  mem_storage: -1,
  disk_storage: -1,
  streams: -1,
  consumer: -1,
};

/** Make the operator, system account and JetStream account. */
export async function makeNatsAuth(): Promise<NatsAuth> {
  const dir = mkdtempSync(join(tmpdir(), 'tocsin-nats-auth-'));
  const operator = createOperator();
  const system = createAccount();
  const account = createAccount();
  const stranger = createAccount();
  const operatorJwt = await encodeOperator('tocsin-test', operator, {
    system_account: system.getPublicKey(),
  });
  const systemJwt = await encodeAccount('SYS', system, {}, { signer: operator });
  const accountJwt = await encodeAccount('TOCSIN', account, { limits: UNLIMITED }, { signer: operator });
  const writeCreds = async (name: string, issuer: typeof account) => {
    const user = createUser();
    const jwt = await encodeUser(name, user, issuer);
    const path = join(dir, `${name}.creds`);
    writeFileSync(path, fmtCreds(jwt, user), { mode: 0o600 });
    return path;
  };
  return {
    dir,
    operatorJwt,
    systemAccount: system.getPublicKey(),
    account: account.getPublicKey(),
    accounts: { [system.getPublicKey()]: systemJwt, [account.getPublicKey()]: accountJwt },
    userCreds: (name) => writeCreds(name, account),
    strangerCreds: (name) => writeCreds(name, stranger),
  };
}
