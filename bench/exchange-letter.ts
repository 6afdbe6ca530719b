// The exchange benchmark's letters, built once per run from the CURRENT fixtures (nothing cached:
// a colleague may regenerate certs-fixtures/ between runs): the sample official letter plus one
// scanned appendix page (an incompressible 8-bit grey image, which is what a JPEG/scan looks like
// to the signer and the verifier), sized so the sealed file is ~300 KB; signed by the province
// chairman (visible, handwritten image, B-B), then sealed by the province (invisible, B-B): the
// Decree 30 two-signature case the axis accepts. Every letter is signed anew over a few different
// scan pixels, so no two files are alike.
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

/** The unsigned letter, and where its scan's pixels start (each variant changes a few of them). */
async function unsigned(lib: Library, fontBytes: Uint8Array, targetBytes: number, date: Date): Promise<{ pdf: Uint8Array; pixelsAt: number }> {
  const letter = await lib.makeSampleLetter({ fontBytes, date });
  const doc = await PDFDocument.load(letter.pdf, { updateMetadata: false });
  const room = Math.max(10_000, targetBytes - letter.pdf.length - 600);
  const width = 800;
  const height = Math.floor(room / width);
  const pixels = noise(width * height);
  const image = doc.context.register(doc.context.stream(pixels, { Type: 'XObject', Subtype: 'Image', Width: width, Height: height, ColorSpace: 'DeviceGray', BitsPerComponent: 8 }));
  const page = doc.addPage(A4);
  const name = page.node.newXObject('Scan', image);
  page.pushOperators(pushGraphicsState(), concatTransformationMatrix(A4[0], 0, 0, A4[1], 0, 0), drawObject(name), popGraphicsState());
  const pdf = await doc.save({ useObjectStreams: false, updateFieldAppearances: false });
  const pixelsAt = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).indexOf(Buffer.from(pixels.subarray(0, 64)));
  if (pixelsAt < 0) throw new Error('the scan is not stored as raw pixels');
  return { pdf, pixelsAt };
}

export interface Letters {
  /** The first letter, for the floor and the report. */
  first: Letter;
  /** `count` letters of the same size and structure whose bytes all differ (a few scan pixels). */
  all: Uint8Array[];
  buildMs: number;
}

/**
 * Distinct letters, as real sends are: the same letter every time would be stored once
 * (content-addressed) and leave the write of a new file's bytes out of every figure.
 */
export async function buildLetters(lib: Library, count: number, targetBytes = 300 * 1024): Promise<Letters> {
  const t0 = performance.now();
  const fontBytes = await lib.loadFontBytes();
  const signers = decree30Signers(lib);
  // Signed a minute ago: the axis refuses a promulgation date in the future (Vietnam time).
  const date = new Date(Date.now() - 60_000);
  const base = await unsigned(lib, fontBytes, targetBytes - SIGNATURE_OVERHEAD, date);
  const all: Uint8Array[] = [];
  let first: Letter | undefined;
  for (let i = 0; i < count; i++) {
    const variant = Uint8Array.from(base.pdf);
    new DataView(variant.buffer).setUint32(base.pixelsAt, i);
    const { sealed } = await signDecree30(lib, signers, variant, fontBytes);
    all.push(sealed);
    if (!first) first = { bytes: sealed, pages: (await PDFDocument.load(sealed, { updateMetadata: false })).getPageCount(), buildMs: performance.now() - t0 };
  }
  return { first: first!, all, buildMs: performance.now() - t0 };
}

