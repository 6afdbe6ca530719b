// docaxis demo [--out DIR]: the Decree 30 flow on a sample letter, with the TEST-ONLY fixtures.
// 1. the chairman signs (visible, handwritten image), 2. the office clerk adds the agency seal
// over the left third of it, both PAdES B-T with an in-process TSA, 3. the result is verified.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { joinDocument } from '../pades/complete.js';
import { loadFontBytes } from '../pades/fonts.js';
import { sealLines } from '../pades/appearance.js';
import { signPdf } from '../pades/sign.js';
import { localTimestamper } from '../pades/timestamper.js';
import { verifyPdf } from '../pades/verify.js';
import { describeCertificate } from '../pki/certificate.js';
import { loadPkcs12Signer } from '../pki/key-signer.js';
import { loadPkcs12 } from '../pki/pkcs12.js';
import { readCertificates, readCrls } from '../pki/pem.js';
import { TimestampAuthority } from '../pki/tsa-responder.js';
import { commandHelp, parseCommand, stringOption } from './options.js';
import { readInput } from './files.js';
import { FIXTURE_P12_PASSWORD, fixturePath } from './fixtures.js';
import { renderReport } from './render-report.js';
import { makeSampleLetter } from './sample-letter.js';

export async function runDemo(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const parsed = parseCommand('demo', argv);
  if (parsed.help) {
    out.write(`${commandHelp('demo')}\n`);
    return 0;
  }
  const dir = stringOption(parsed.values, 'out') ?? 'demo-output';
  mkdirSync(dir, { recursive: true });
  const fontBytes = await loadFontBytes();
  const tsaKey = loadPkcs12(readInput(fixturePath('tsa.p12')), FIXTURE_P12_PASSWORD);
  const timestamper = localTimestamper(new TimestampAuthority({ certificate: tsaKey.certificate, privateKey: tsaKey.privateKey, chain: tsaKey.chain }));

  out.write('docaxis demo - TEST-ONLY keys from certs-fixtures/\n\n');
  const letter = await makeSampleLetter({ fontBytes });
  const step1 = join(dir, '1-letter.pdf');
  writeFileSync(step1, letter.pdf);
  out.write(`1. sample official letter             ${step1}\n`);

  const signer = loadPkcs12Signer(readInput(fixturePath('signer-nguyen-van-an.p12')), FIXTURE_P12_PASSWORD);
  const signerCert = describeCertificate(signer.certificate);
  const bySigner = joinDocument(
    await signPdf(letter.pdf, signer, {
      level: 'B-T',
      timestamper,
      fieldName: 'ChuTich',
      reason: 'Ký ban hành văn bản',
      name: signerCert.commonName ?? 'signer',
      visible: {
        placement: { kind: 'rect', ...letter.signerBox },
        layout: 'signer',
        // The letter already prints the title above and the name below (Decree 30 layout).
        lines: [],
        image: readInput(fixturePath('images/handwritten-nguyen-van-an.png')),
        fontBytes,
      },
    }),
  );
  const step2 = join(dir, '2-signed-by-chairman.pdf');
  writeFileSync(step2, bySigner);
  out.write(`2. signed by ${signerCert.commonName} (${signerCert.title})   ${step2}\n`);

  const seal = loadPkcs12Signer(readInput(fixturePath('seal-ubnd-thai-binh.p12')), FIXTURE_P12_PASSWORD);
  const sealCert = describeCertificate(seal.certificate);
  const now = new Date();
  const sealed = joinDocument(
    await signPdf(bySigner, seal, {
      level: 'B-T',
      timestamper,
      fieldName: 'VanThu',
      reason: 'Văn thư ký số của cơ quan',
      signingTime: now,
      name: sealCert.commonName ?? 'agency',
      visible: {
        placement: { kind: 'over', field: 'ChuTich' },
        layout: 'seal',
        lines: sealLines({ signerName: sealCert.commonName ?? '', time: now, ...(sealCert.organization ? { agency: sealCert.organization } : {}), ...(sealCert.email ? { email: sealCert.email } : {}) }),
        image: readInput(fixturePath('images/seal-ubnd-thai-binh.png')),
        fontBytes,
      },
    }),
  );
  const step3 = join(dir, '3-sealed-by-agency.pdf');
  writeFileSync(step3, sealed);
  out.write(`3. agency seal by the clerk (văn thư)  ${step3}\n\n`);

  const report = verifyPdf(sealed, {
    trustAnchors: readCertificates(readInput(fixturePath('trust-anchors.pem'))),
    intermediates: readCertificates(readInput(fixturePath('intermediates.pem'))),
    crls: readCrls(readInput(fixturePath('crls.pem'))),
  });
  writeFileSync(join(dir, '3-sealed-by-agency.report.json'), `${JSON.stringify(report, null, 2)}\n`);
  out.write(`${renderReport(step3, report)}\n\n`);
  const rel = relative(process.cwd(), fixturePath('.')) || '.';
  out.write(`check it yourself:\n  docaxis verify ${step3} --trust ${join(rel, 'trust-anchors.pem')} --crl ${join(rel, 'crls.pem')}\n  pdfsig ${step3}   (poppler; trust the fixture root in an NSS database first)\n`);
  return report.document.verdict === 'valid' ? 0 : 1;
}
