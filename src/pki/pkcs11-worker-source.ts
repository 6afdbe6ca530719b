// The program of the PKCS#11 worker thread (see pkcs11-host.ts), as plain JavaScript run with
// `new Worker(source, { eval: true })`: it then runs the same from src/ (tests, tsx) and dist/
// without a build step or a loader, and imports nothing of ours (only pkcs11js, by path).
//
// The thread owns every loaded module: C_Initialize once per module (the process keeps a module
// initialised; a second C_Initialize answers CKR_CRYPTOKI_ALREADY_INITIALIZED, which is fine),
// one login per token, one session per opened key. The thread handles one message at a time, so
// C_SignInit/C_Sign on a session are never interleaved. Handles (Buffers) never leave the thread:
// the main thread holds a number (`ref`).
//
// In:  { id, op: 'open', module, token, keyLabel?, keyId? (hex), pin }
//      { id, op: 'sign', ref, mechanism: 'rsa-pkcs' | 'ecdsa', data: Uint8Array }
//      { id, op: 'close', ref }
// Out: { id, ok: true, value } | { id, ok: false, error: { code, message } }  (code: an HSM_* catalogue code)
export const PKCS11_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { createHash, timingSafeEqual } = require('node:crypto');
const p11 = require(workerData.pkcs11js);

const modules = new Map();
const keys = new Map();
let nextRef = 1;

class HsmError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

function ckr(e) { return e && typeof e.message === 'string' ? e.message.split(':')[0].trim() : String(e); }

function moduleFor(path) {
  let m = modules.get(path);
  if (m) return m;
  const lib = new p11.PKCS11();
  try {
    lib.load(path);
  } catch (e) {
    throw new HsmError('HSM_MODULE_UNAVAILABLE', path + ': ' + (e && e.message));
  }
  try {
    lib.C_Initialize();
  } catch (e) {
    if (ckr(e) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') throw new HsmError('HSM_MODULE_UNAVAILABLE', path + ': C_Initialize ' + ckr(e));
  }
  m = { lib, logins: new Map() };
  modules.set(path, m);
  return m;
}

function findSlot(lib, label) {
  const matches = [];
  for (const slot of lib.C_GetSlotList(true)) {
    const info = lib.C_GetTokenInfo(slot);
    if (String(info.label).replace(/[\s\u0000]+$/, '') === label) matches.push(slot);
  }
  if (matches.length === 0) throw new HsmError('HSM_TOKEN_NOT_FOUND', 'no token labelled "' + label + '"');
  if (matches.length > 1) throw new HsmError('HSM_TOKEN_NOT_FOUND', matches.length + ' tokens are labelled "' + label + '"');
  return matches[0];
}

const pinHash = (pin) => createHash('sha256').update(String(pin)).digest();

// One login per token (PKCS#11 logins belong to the application, not the session; closing the
// token's last session ends it, so C_Login is tried on every open). When the token is still logged
// in, the PIN given must be the one that logged it in: a wrong PIN must not ride on an earlier login.
function login(m, slot, session, pin) {
  const slotKey = slot.toString('hex');
  const h = pinHash(pin);
  if (tryLogin(m.lib, session, pin) === 'already') {
    const known = m.logins.get(slotKey);
    if (known && !timingSafeEqual(known, h)) throw new HsmError('HSM_PIN_INCORRECT', 'the PIN does not match the one the token is logged in with');
    // Logged in by an earlier thread of this process (replaced after a deadline): the PIN given
    // now is unproven, so log out and in again with it.
    if (!known) {
      try { m.lib.C_Logout(session); } catch { /* logged out meanwhile */ }
      tryLogin(m.lib, session, pin);
    }
  }
  m.logins.set(slotKey, h);
}

function tryLogin(lib, session, pin) {
  try {
    lib.C_Login(session, p11.CKU_USER, String(pin));
    return 'ok';
  } catch (e) {
    const r = ckr(e);
    if (r === 'CKR_PIN_INCORRECT' || r === 'CKR_PIN_INVALID' || r === 'CKR_PIN_LEN_RANGE') throw new HsmError('HSM_PIN_INCORRECT', r);
    if (r === 'CKR_PIN_LOCKED' || r === 'CKR_PIN_EXPIRED') throw new HsmError('HSM_PIN_LOCKED', r);
    if (r === 'CKR_USER_ALREADY_LOGGED_IN') return 'already';
    throw new HsmError('HSM_SIGN_FAILED', 'C_Login ' + r);
  }
}

function find(lib, session, template, max) {
  lib.C_FindObjectsInit(session, template);
  try {
    return lib.C_FindObjects(session, max);
  } finally {
    lib.C_FindObjectsFinal(session);
  }
}

function ulong(buf) { return buf.length >= 8 ? Number(buf.readBigUInt64LE(0)) : buf.readUInt32LE(0); }

function open(msg) {
  const m = moduleFor(msg.module);
  const lib = m.lib;
  const slot = findSlot(lib, msg.token);
  const session = lib.C_OpenSession(slot, p11.CKF_SERIAL_SESSION);
  try {
    login(m, slot, session, msg.pin);
    const template = [{ type: p11.CKA_CLASS, value: p11.CKO_PRIVATE_KEY }];
    if (msg.keyLabel !== undefined) template.push({ type: p11.CKA_LABEL, value: msg.keyLabel });
    if (msg.keyId !== undefined) template.push({ type: p11.CKA_ID, value: Buffer.from(msg.keyId, 'hex') });
    const found = find(lib, session, template, 2);
    const what = (msg.keyLabel !== undefined ? 'label "' + msg.keyLabel + '"' : '') + (msg.keyId !== undefined ? ' id ' + msg.keyId : '');
    if (found.length === 0) throw new HsmError('HSM_KEY_NOT_FOUND', 'no private key with ' + what.trim() + ' on token "' + msg.token + '"');
    if (found.length > 1) throw new HsmError('HSM_KEY_NOT_FOUND', 'several private keys match ' + what.trim() + ': give the key id');
    const key = found[0];
    const attrs = lib.C_GetAttributeValue(session, key, [{ type: p11.CKA_KEY_TYPE }, { type: p11.CKA_ID }, { type: p11.CKA_LABEL }]);
    const keyType = ulong(attrs[0].value);
    const algorithm = keyType === p11.CKK_RSA ? 'rsa' : keyType === p11.CKK_EC ? 'ec' : undefined;
    if (!algorithm) throw new HsmError('HSM_KEY_NOT_FOUND', 'the key is neither RSA nor EC (CKK ' + keyType + ')');
    const id = attrs[1].value;
    const label = attrs[2].value.toString('utf8');
    // The key's certificate has its CKA_ID; the others on the token (its CA chain, usually) are
    // handed back too, as candidates for the chain to embed.
    let certificate = null;
    const others = [];
    for (const c of find(lib, session, [{ type: p11.CKA_CLASS, value: p11.CKO_CERTIFICATE }], 64)) {
      const [value, cid] = lib.C_GetAttributeValue(session, c, [{ type: p11.CKA_VALUE }, { type: p11.CKA_ID }]);
      if (id.length > 0 && cid.value.equals(id) && certificate === null) certificate = new Uint8Array(value.value);
      else others.push(new Uint8Array(value.value));
    }
    const ref = nextRef++;
    keys.set(ref, { lib, session, key });
    return { ref, algorithm, id: id.toString('hex'), label, certificate, others };
  } catch (e) {
    try { lib.C_CloseSession(session); } catch { /* already gone */ }
    throw e;
  }
}

function sign(msg) {
  const k = keys.get(msg.ref);
  if (!k) throw new HsmError('HSM_SIGN_FAILED', 'the key session is closed');
  const mechanism = msg.mechanism === 'ecdsa' ? p11.CKM_ECDSA : p11.CKM_RSA_PKCS;
  try {
    k.lib.C_SignInit(k.session, { mechanism }, k.key);
    const out = k.lib.C_Sign(k.session, Buffer.from(msg.data), Buffer.alloc(1024));
    return new Uint8Array(out);
  } catch (e) {
    throw new HsmError('HSM_SIGN_FAILED', 'C_Sign ' + ckr(e));
  }
}

function close(msg) {
  const k = keys.get(msg.ref);
  if (!k) return null;
  keys.delete(msg.ref);
  try { k.lib.C_CloseSession(k.session); } catch { /* the module may be gone */ }
  return null;
}

const ops = { open, sign, close };

parentPort.on('message', (msg) => {
  try {
    const value = ops[msg.op](msg);
    parentPort.postMessage({ id: msg.id, ok: true, value });
  } catch (e) {
    const code = e instanceof HsmError ? e.code : 'HSM_SIGN_FAILED';
    parentPort.postMessage({ id: msg.id, ok: false, error: { code, message: e && e.message ? String(e.message) : String(e) } });
  }
});
`;
