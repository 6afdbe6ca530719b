// Password hashing with scrypt (node:crypto): memory-hard, a random salt per hash, the cost
// parameters stored with the hash so they can be raised later (needsRehash), compared in constant
// time. The KDF runs on libuv's thread pool (the async API), never on the event loop.
//
// Encoding: scrypt$<log2 N>$<r>$<p>$<salt base64url>$<key base64url>
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { DocaxisError } from '../errors.js';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  r: number;
  p: number;
}

/**
 * OWASP's scrypt row "N=2^15, r=8, p=3": 32 MiB per hash, about 0.1 s of one core. A sign-in
 * costs that, which the per-address and per-name limits keep rare.
 */
export const DEFAULT_SCRYPT: ScryptParams = Object.freeze({ logN: 15, r: 8, p: 3 });

const KEY_BYTES = 32;
const SALT_BYTES = 16;
export const PASSWORD_MIN_CHARS = 12;
/** Long enough for any passphrase, short enough that nobody feeds the KDF megabytes. */
export const PASSWORD_MAX_CHARS = 256;

/** PASSWORD_TOO_WEAK unless 12 to 256 characters (code points, after NFC). The message never echoes it. */
export function checkPasswordPolicy(password: string): string {
  const pw = password.normalize('NFC');
  const chars = [...pw].length;
  if (chars < PASSWORD_MIN_CHARS || chars > PASSWORD_MAX_CHARS) {
    throw new DocaxisError('PASSWORD_TOO_WEAK', undefined, { details: { minLength: PASSWORD_MIN_CHARS, maxLength: PASSWORD_MAX_CHARS } });
  }
  return pw;
}

function kdf(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) is just below N=2^15, r=8.
  const options: ScryptOptions = { N, r: params.r, p: params.p, maxmem: 128 * N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))));
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await kdf(password, salt, params);
  return ['scrypt', params.logN, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface Decoded {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function decode(encoded: string): Decoded | undefined {
  const m = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(encoded);
  if (!m) return undefined;
  const params = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  if (params.logN < 10 || params.logN > 22 || params.r < 1 || params.p < 1) return undefined;
  return { params, salt: Buffer.from(m[4]!, 'base64url'), key: Buffer.from(m[5]!, 'base64url') };
}

/**
 * A stand-in hash at the default cost: checking a password against it takes as long as against a
 * real one, so an unknown user name (or one without a password yet) cannot be told by timing.
 */
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummy;
}

/** True when `password` matches `encoded`. With `encoded` null the same work is done against a stand-in, and false comes back. */
export async function verifyPassword(password: string, encoded: string | null): Promise<boolean> {
  const real = encoded === null ? undefined : decode(encoded);
  const d = real ?? decode(await dummyHash())!;
  const key = await kdf(password, d.salt, d.params);
  return real !== undefined && key.length === real.key.length && timingSafeEqual(key, real.key);
}

/** True when the stored hash was made with weaker parameters than `params` (rehash at the next sign-in). */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const d = decode(encoded);
  return !d || d.params.logN < params.logN || d.params.r < params.r || d.params.p < params.p;
}
