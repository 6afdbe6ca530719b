// The exchange benchmark's letter, built once per run from the CURRENT fixtures (nothing cached:
// a colleague may regenerate certs-fixtures/ between runs): the sample official letter plus one
// scanned appendix page (an incompressible 8-bit grey image, which is what a JPEG/scan looks like
// to the signer and the verifier), sized so the sealed file is ~300 KB; signed by the province
// chairman (visible, handwritten image, B-B), then sealed by the province (invisible, B-B): the
// Decree 30 two-signature case the axis accepts.
import { concatTransformationMatrix, drawObject, PDFDocument, popGraphicsState, pushGraphicsState } from 'pdf-lib';
import { decree30Signers, noise, signDecree30, type Library } from './common.js';

const A4: [number, number] = [595.28, 841.89];
/** What the two CMS signatures (placeholders, appearance, incremental updates) add, measured. */
const SIGNATURE_OVERHEAD = 38_000;

export interface Letter {
  bytes: Uint8Array;
  pages: number;
  buildMs: number;
}

async function unsigned(lib: Library, fontBytes: Uint8Array, targetBytes: number, date: Date): Promise<Uint8Array> {
  const letter = await lib.makeSampleLetter({ fontBytes, date });
  const doc = await PDFDocument.load(letter.pdf, { updateMetadata: false });
  const room = Math.max(10_000, targetBytes - letter.pdf.length - 600);
  const width = 800;
  const height = Math.floor(room / width);
  const image = doc.context.register(
    doc.context.stream(noise(width * height), { Type: 'XObject', Subtype: 'Image', Width: width, Height: height, ColorSpace: 'DeviceGray', BitsPerComponent: 8 }),
  );
  const page = doc.addPage(A4);
  const name = page.node.newXObject('Scan', image);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(A4[0], 0, 0, A4[1], 0, 0), drawObject(name), popGraphicsState());
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

export async function buildLetter(lib: Library, targetBytes = 300 * 1024): Promise<Letter> {
  const t0 = performance.now();
  const fontBytes = await lib.loadFontBytes();
  const signers = decree30Signers(lib);
  // Signed a minute ago: the axis refuses a promulgation date in the future (Vietnam time).
  const date = new Date(Date.now() - 60_000);
  const pdf = await unsigned(lib, fontBytes, targetBytes - SIGNATURE_OVERHEAD, date);
  const { sealed } = await signDecree30(lib, signers, pdf, fontBytes);
  const doc = await PDFDocument.load(sealed, { updateMetadata: false });
  return { bytes: sealed, pages: doc.getPageCount(), buildMs: performance.now() - t0 };
}
