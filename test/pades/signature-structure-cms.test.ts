// The CMS inside a PDF signature (issue 9, "Signature structure"): detached only, exactly one
// signer, signed attributes verified over their DER (RFC 5652 5.4), BER with indefinite lengths
// read as BER, bytes after the CMS value a warning. Each CMS is made over a real letter's signed
// bytes, by openssl where it can make the structure, by hand where no tool would.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { verifyPdf } from '../../src/pades/verify.js';
import { TAG, bytesOf, childrenOf, concat, ctx, readRoot, seq, setOf, tlv } from '../../src/pki/asn1-util.js';
import { assembleSignedData, buildSignedAttributes } from '../../src/pki/cms-build.js';
import { fixtureSigner, fixtureTimestamper, trustedOptions } from '../support/fixtures.js';
import { fixtureNssDb, pdfsig, tempDir, writeTemp, type PdfsigSignature } from '../support/oracles.js';
import { CHAIRMAN, fixtureCms, opensslCms, signByHand, signWithCms, twoSignatureLetter } from './signature-structure-helpers.js';

const FIELD = 'VanThu';
let base: Uint8Array;
let nss: string;
let dir: string;
let n = 0;

beforeAll(async () => {
  base = (await twoSignatureLetter()).chairman;
  nss = fixtureNssDb();
  dir = tempDir('docaxis-sigstruct-cms-');
});

function poppler(bytes: Uint8Array): Record<string, PdfsigSignature> {
  return Object.fromEntries(pdfsig(writeTemp(dir, `cms-${++n}.pdf`, bytes), nss).map((p) => [p.field, p]));
}

function verifyField(pdf: Uint8Array) {
  const report = verifyPdf(pdf, trustedOptions());
  const s = report.signatures.find((x) => x.fieldName === FIELD);
  if (!s) throw new Error('the new signature is not in the report');
  return { report, s };
}

/** Signed attributes over `covered`, and a signature by the chairman's key over `signed`. */
async function handMadeCms(covered: Uint8Array, shape: (der: Uint8Array) => { sent: Uint8Array; signed: Uint8Array }): Promise<Uint8Array> {
  const signer = fixtureSigner('signer-nguyen-van-an');
  const der = buildSignedAttributes({ contentDigest: createHash('sha256').update(covered).digest(), digest: 'sha256', signerCertificate: signer.certificate });
  const { sent, signed } = shape(der);
  const signatureValue = await signer.sign(signed, 'sha256');
  return assembleSignedData({ signedAttributes: sent, signatureValue, signerCertificate: signer.certificate, certificates: signer.chain, digest: 'sha256', keyAlgorithm: signer.keyAlgorithm });
}

/** The same SET with an indefinite length (BER): 31 80 ... 00 00. */
function indefinite(der: Uint8Array): Uint8Array {
  const root = readRoot(der, false);
  return concat(Uint8Array.of(TAG.set, 0x80), der.subarray(root.contentStart, root.contentEnd), Uint8Array.of(0, 0));
}

/**
 * The CMS with its outer structure in indefinite-length form (ContentInfo, SignedData, the
 * certificate set, the SignerInfo set and SignerInfo: what streaming signers write); the values
 * inside (certificates, sid, signed attributes when `attributes` is false) stay DER.
 */
function indefiniteCms(der: Uint8Array, attributes = false): Uint8Array {
  const indef = (tag: number, parts: Uint8Array[]) => concat(Uint8Array.of(tag, 0x80), ...parts, Uint8Array.of(0, 0));
  const raw = (n: ReturnType<typeof readRoot>) => bytesOf(der, n);
  const root = readRoot(der, false);
  const [oid, explicit] = childrenOf(der, root);
  const [signedData] = childrenOf(der, explicit!);
  const fields = childrenOf(der, signedData!).map((f, i, all) => {
    if (f.tag === ctx(0) && i >= 3) return indef(f.tag, childrenOf(der, f).map(raw));
    if (i !== all.length - 1) return raw(f);
    const infos = childrenOf(der, f).map((si) =>
      indef(TAG.sequence, childrenOf(der, si).map((part) => (attributes && part.tag === ctx(0) ? indef(part.tag, childrenOf(der, part).map(raw)) : raw(part)))),
    );
    return indef(TAG.set, infos);
  });
  return indef(TAG.sequence, [raw(oid!), indef(ctx(0), [indef(TAG.sequence, fields)])]);
}

describe('detached only', () => {
  it('a CMS with encapsulated content under ETSI.CAdES.detached: FORMAT_FAILURE', async () => {
    const pdf = await signWithCms(base, FIELD, (covered) => opensslCms(covered, ['signer-nguyen-van-an'], ['-nodetach']), 65_536);
    const { report, s } = verifyField(pdf);
    expect(s).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
    expect(s.errors.join('\n')).toMatch(/encapsulates content.*detached/);
    expect(report.document.verdict).toBe('invalid');
  });

  it('the same signature made detached passes (the oracle: pdfsig says valid)', async () => {
    const pdf = await signWithCms(base, FIELD, (covered) => opensslCms(covered, ['signer-nguyen-van-an']));
    expect(verifyField(pdf).s.indication).toBe('TOTAL_PASSED');
    expect(poppler(pdf)[FIELD]?.signatureValid).toBe(true);
  });
});

describe('exactly one signer', () => {
  it('two different SignerInfos: FORMAT_FAILURE, never "check the first"', async () => {
    const pdf = await signWithCms(base, FIELD, (covered) => opensslCms(covered, ['signer-nguyen-van-an', 'seal-ubnd-thai-binh']));
    const { s } = verifyField(pdf);
    expect(s).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE', signer: null });
    expect(s.errors.join('\n')).toMatch(/2 different SignerInfos/);
  });

  it('one SignerInfo repeated byte for byte (seen in the wild): one signer, checked, with a warning', async () => {
    const pdf = await signWithCms(base, FIELD, async (covered) => {
      const cms = await fixtureCms(covered);
      // ContentInfo { oid, [0] { SignedData { ..., signerInfos SET { si } } } } -> SET { si, si }
      const root = readRoot(cms, false);
      const [oid, explicit] = childrenOf(cms, root);
      const [signedData] = childrenOf(cms, explicit!);
      const fields = childrenOf(cms, signedData!);
      const [si] = childrenOf(cms, fields.at(-1)!);
      const doubled = seq(...fields.slice(0, -1).map((f) => bytesOf(cms, f)), setOf([bytesOf(cms, si!), bytesOf(cms, si!)]));
      return seq(bytesOf(cms, oid!), tlv(ctx(0), doubled));
    });
    const { s } = verifyField(pdf);
    expect(s.indication).toBe('TOTAL_PASSED');
    expect(s.warnings.join('\n')).toMatch(/repeats its SignerInfo 2 times/);
    expect(poppler(pdf)[FIELD]?.signatureValid).toBe(true);
  });
});

describe('signed attributes are verified over their DER', () => {
  it('attributes sent as BER, signature over their DER: TOTAL_PASSED', async () => {
    const pdf = await signWithCms(base, FIELD, (covered) => handMadeCms(covered, (der) => ({ sent: indefinite(der), signed: der })));
    const { s } = verifyField(pdf);
    expect(s.indication).toBe('TOTAL_PASSED');
  });

  it('attributes sent as BER, signature over those BER bytes only: SIG_CRYPTO_FAILURE, saying why', async () => {
    const pdf = await signWithCms(base, FIELD, (covered) => handMadeCms(covered, (der) => ({ sent: indefinite(der), signed: indefinite(der) })));
    const { s, report } = verifyField(pdf);
    expect(s).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'SIG_CRYPTO_FAILURE' });
    expect(s.errors.join('\n')).toMatch(/only over a non-DER encoding/);
    expect(report.document.verdict).toBe('invalid');
  });

  it('attributes in unsorted order, signed as sent (DER but for the SET order, as many signers do): accepted like pdfsig does', async () => {
    const pdf = await signWithCms(base, FIELD, (covered) =>
      handMadeCms(covered, (der) => {
        const attrs = childrenOf(der, readRoot(der, false)).map((a) => bytesOf(der, a));
        const unsorted = tlv(TAG.set, ...attrs.reverse());
        return { sent: unsorted, signed: unsorted };
      }),
    );
    expect(verifyField(pdf).s.indication).toBe('TOTAL_PASSED');
    expect(poppler(pdf)[FIELD]?.signatureValid).toBe(true);
  });
});

describe('BER and padding in /Contents', () => {
  it('a detached CMS with indefinite lengths (as DSS-2155) is read as BER: TOTAL_PASSED, as pdfsig says', async () => {
    let cms: Uint8Array | undefined;
    const pdf = await signWithCms(base, FIELD, async (covered) => (cms = indefiniteCms(await fixtureCms(covered))));
    expect(Buffer.from(cms!.subarray(0, 2)).toString('hex')).toBe('3080');
    expect(verifyField(pdf).s.indication).toBe('TOTAL_PASSED');
    expect(poppler(pdf)[FIELD]?.signatureValid).toBe(true);
  });

  it('indefinite lengths in the signed attributes too: still their DER that is verified', async () => {
    const pdf = await signWithCms(base, FIELD, async (covered) => indefiniteCms(await fixtureCms(covered), true));
    expect(verifyField(pdf).s.indication).toBe('TOTAL_PASSED');
  });

  it('non-zero bytes after the CMS value: a warning, not a failure', async () => {
    const pdf = await signWithCms(base, FIELD, async (covered) => concat(await fixtureCms(covered), Buffer.from('not part of the signature', 'latin1')));
    const { s } = verifyField(pdf);
    expect(s.indication).toBe('TOTAL_PASSED');
    expect(s.warnings.join('\n')).toMatch(/25 non-zero byte\(s\) follow the CMS value/);
    expect(poppler(pdf)[FIELD]?.signatureValid).toBe(true);
  });

  it('garbage that is not a CMS at all is still FORMAT_FAILURE', async () => {
    const pdf = await signWithCms(base, FIELD, () => Buffer.from('30 is not enough', 'latin1'));
    expect(verifyField(pdf).s).toMatchObject({ indication: 'TOTAL_FAILED', subIndication: 'FORMAT_FAILURE' });
  });
});

it('the chairman signature of the base letter is untouched by all this', () => {
  expect(verifyPdf(base, trustedOptions()).signatures.find((s) => s.fieldName === CHAIRMAN)?.indication).toBe('TOTAL_PASSED');
});

describe('document timestamps', () => {
  it('a document timestamp followed by non-zero bytes in /Contents: a warning, not a failure', async () => {
    const tsa = fixtureTimestamper();
    const pdf = await signByHand(base, 'DocTS', { docTimeStamp: true, contents: async (covered) => concat(await tsa(covered, 'sha256'), Buffer.from('junk after the token', 'latin1')) });
    const s = verifyPdf(pdf, trustedOptions()).signatures.find((x) => x.fieldName === 'DocTS');
    expect(s).toMatchObject({ type: 'document-timestamp', indication: 'TOTAL_PASSED' });
    expect(s!.warnings.join('\n')).toMatch(/20 non-zero byte\(s\) follow the timestamp token/);
  });

  it('a clean document timestamp passes without that warning', async () => {
    const tsa = fixtureTimestamper();
    const pdf = await signByHand(base, 'DocTS', { docTimeStamp: true, contents: (covered) => tsa(covered, 'sha256') });
    const s = verifyPdf(pdf, trustedOptions()).signatures.find((x) => x.fieldName === 'DocTS');
    expect(s).toMatchObject({ type: 'document-timestamp', indication: 'TOTAL_PASSED', warnings: [] });
  });
});
