// Name comparison across Unicode encodings of the same text: a Vietnamese name written with
// precomposed letters (NFC) and one with combining marks (NFD) are one name (RFC 4518 prepares
// both with NFKC); a name that differs only by a diacritic is another name.
import { describe, expect, it } from 'vitest';
import { encodeOid, readRoot, seq, setOf, tlv } from '../../src/pki/asn1-util.js';
import { OID } from '../../src/pki/oids.js';
import { namesEqual, parseName } from '../../src/pki/x509.js';

const cn = (text: string): ReturnType<typeof parseName> => {
  const der = seq(setOf([seq(encodeOid(OID.commonName), tlv(0x0c, Buffer.from(text, 'utf8')))]));
  return parseName(der, readRoot(der, false));
};

describe('namesEqual on Unicode text', () => {
  const nfc = 'Ủy ban nhân dân tỉnh Thái Bình'.normalize('NFC');
  const nfd = nfc.normalize('NFD');

  it('treats the precomposed and the decomposed spelling as one name (their DER differs)', () => {
    expect(nfc).not.toBe(nfd);
    expect(namesEqual(cn(nfc), cn(nfd))).toBe(true);
    expect(namesEqual(cn(nfd), cn(nfc.toUpperCase()))).toBe(true);
  });

  it('keeps apart names that differ by a diacritic or a letter', () => {
    expect(namesEqual(cn(nfc), cn('Uy ban nhan dan tinh Thai Binh'))).toBe(false);
    expect(namesEqual(cn('Sở Y tế'), cn('Sờ Y tế'))).toBe(false);
    expect(namesEqual(cn('CA phục vụ'), cn('CA phục vụ 2'))).toBe(false);
  });
});
