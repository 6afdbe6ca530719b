// The bounded KeyObject cache: one key per SPKI, the same key as publicKeyFromSpki would make,
// least recently used evicted first, failures never remembered.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PublicKeyCache } from '../../src/pki/public-key-cache.js';

const spki = (): Uint8Array => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });

describe('PublicKeyCache', () => {
  it('builds a key once per SPKI content, whatever buffer the bytes come in', () => {
    const cache = new PublicKeyCache();
    const a = spki();
    const key = cache.get(a);
    expect(key.type).toBe('public');
    expect(Buffer.from(key.export({ format: 'der', type: 'spki' })).equals(Buffer.from(a))).toBe(true);
    // A view of the same bytes at an offset in a larger buffer.
    const wrapped = new Uint8Array(a.length + 7);
    wrapped.set(a, 3);
    expect(cache.get(wrapped.subarray(3, 3 + a.length))).toBe(key);
    expect(cache.get(spki())).not.toBe(key);
    expect(cache.size).toBe(2);
  });

  it('keeps at most `capacity` keys, dropping the least recently used', () => {
    const cache = new PublicKeyCache(2);
    const [a, b, c] = [spki(), spki(), spki()];
    const ka = cache.get(a);
    const kb = cache.get(b);
    expect(cache.get(a)).toBe(ka); // a is now the most recent
    cache.get(c); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.get(a)).toBe(ka);
    expect(cache.get(b)).not.toBe(kb); // rebuilt
  });

  it('throws for bytes that are no key, every time, and stores nothing', () => {
    const cache = new PublicKeyCache();
    for (let i = 0; i < 2; i++) expect(() => cache.get(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00))).toThrow();
    expect(cache.size).toBe(0);
  });
});
