// The @signpdf peer, as its README and packages/examples/src/pdf-lib.js use it: load the PDF with
// pdf-lib, add a placeholder, save (a full rewrite), sign with the P12 (node-forge).
// usage: node bench/peers/signpdf-sign.mjs IN OUT P12 (password in $DOCAXIS_BENCH_PW)
import { readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { PDFDocument } from 'pdf-lib';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import { SignPdf } from '@signpdf/signpdf';
import { SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';

const [input, output, p12] = process.argv.slice(2);
const pdfDoc = await PDFDocument.load(readFileSync(input));
pdflibAddPlaceholder({
  pdfDoc,
  reason: 'benchmark',
  contactInfo: 'bench@example.invalid',
  name: 'benchmark',
  location: 'Thai Binh',
  subFilter: SUBFILTER_ETSI_CADES_DETACHED,
});
const withPlaceholder = await pdfDoc.save({ useObjectStreams: false });
const signer = new P12Signer(readFileSync(p12), { passphrase: process.env.DOCAXIS_BENCH_PW ?? '' });
const signed = await new SignPdf().sign(withPlaceholder, signer);
writeFileSync(output, signed);
