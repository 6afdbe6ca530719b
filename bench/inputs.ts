// The benchmark's inputs, generated deterministically into bench/out/inputs/ and cached there:
//   letter  ~30 KB  the sample official letter (makeSampleLetter)
//   1mb / 10mb / 50mb  the letter plus "scanned" pages: one incompressible 8-bit grey image per page
//                   (~1 MB each, AES-CTR keystream from a fixed key: what scans look like to a signer)
//   1000p   a 1,000-page text report: the letter with 999 body pages, each page carrying 12 link
//           annotations with their own action objects (a hyperlinked report), tens of thousands of objects
// Each comes unsigned (NAME.pdf), signed by the chairman (NAME.chairman.pdf, visible, B-B) and
// sealed on top by the agency (NAME.sealed.pdf, invisible, B-B): the Decree 30 case.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { concatTransformationMatrix, drawObject, PDFDocument, PDFName, popGraphicsState, pushGraphicsState } from 'pdf-lib';
import { CHAIRMAN_P12, decree30Signers, fixture, INPUTS, noise, SEAL_P12, signDecree30, type Library } from './common.js';

/** Bump when the generator changes: cached inputs with another version are rebuilt. */
const GENERATOR_VERSION = 1;
const DATE = new Date('2025-03-05T09:00:00+07:00');
const A4: [number, number] = [595.28, 841.89];

export interface InputSpec {
  name: string;
  label: string;
  /** Target size in bytes for the scanned-page inputs. */
  targetBytes?: number;
  pages?: number;
}

export const INPUT_SPECS: readonly InputSpec[] = [
  { name: 'letter', label: 'sample letter' },
  { name: '1mb', label: '1 MB', targetBytes: 1 << 20 },
  { name: '10mb', label: '10 MB', targetBytes: 10 << 20 },
  { name: '50mb', label: '50 MB', targetBytes: 50 << 20 },
  { name: '1000p', label: '1,000-page text', pages: 1000 },
];

export interface InputFiles {
  spec: InputSpec;
  unsigned: string;
  chairman: string;
  sealed: string;
  bytes: number;
  objects: number;
  pages: number;
}

async function unsignedPdf(lib: Library, spec: InputSpec, fontBytes: Uint8Array): Promise<Uint8Array> {
  const letter = await lib.makeSampleLetter({ fontBytes, date: DATE, extraPages: (spec.pages ?? 1) - 1 });
  if (!spec.targetBytes && !spec.pages) return letter.pdf;
  const doc = await PDFDocument.load(letter.pdf, { updateMetadata: false });
  if (spec.targetBytes) {
    const room = spec.targetBytes - letter.pdf.length - 600; // per-page overhead
    const count = Math.max(1, Math.ceil(room / 1_000_000));
    const width = 1000;
    const height = Math.floor(room / count / width);
    for (let i = 0; i < count; i++) {
      const image = doc.context.register(
        doc.context.stream(noise(width * height, i), { Type: 'XObject', Subtype: 'Image', Width: width, Height: height, ColorSpace: 'DeviceGray', BitsPerComponent: 8 }),
      );
      const page = doc.addPage(A4);
      const name = page.node.newXObject('Scan', image);
      page.pushOperators(pushGraphicsState(), concatTransformationMatrix(A4[0], 0, 0, A4[1], 0, 0), drawObject(name), popGraphicsState());
    }
  }
  if (spec.pages) {
    for (const [p, page] of doc.getPages().entries()) {
      const annots = doc.context.obj([]);
      for (let l = 0; l < 12; l++) {
        const action = doc.context.register(doc.context.obj({ Type: 'Action', S: 'URI', URI: PDFName.of(`https://vanban.example.vn/doc/${p + 1}/${l + 1}`) }));
        const y = 770 - l * 54;
        annots.push(doc.context.register(doc.context.obj({ Type: 'Annot', Subtype: 'Link', Rect: [50, y - 4, 545, y + 10], Border: [0, 0, 0], A: action })));
      }
      page.node.set(PDFName.of('Annots'), annots);
    }
  }
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

function countObjects(pdf: Uint8Array): number {
  return (Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1').match(/\d+ \d+ obj\b/g) ?? []).length;
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  writeFileSync(`${path}.tmp`, bytes);
  renameSync(`${path}.tmp`, path);
}

/** Builds (or reuses) every input; logs what it builds. */
export async function prepareInputs(lib: Library, specs: readonly InputSpec[], log: (s: string) => void): Promise<InputFiles[]> {
  mkdirSync(INPUTS, { recursive: true });
  const manifestPath = join(INPUTS, 'manifest.json');
  const manifest = (existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : {}) as Record<string, Omit<InputFiles, 'spec'> & { version: number; fixtures?: string }>;
  const fontBytes = await lib.loadFontBytes();
  const signers = decree30Signers(lib);
  // The pre-signed files depend on the fixture PKI: regenerated fixtures invalidate the cache.
  const fixtures = createHash('sha256').update(readFileSync(CHAIRMAN_P12)).update(readFileSync(SEAL_P12)).update(readFileSync(fixture('trust-anchors.pem'))).digest('hex').slice(0, 16);
  const result: InputFiles[] = [];
  for (const spec of specs) {
    const files = { unsigned: join(INPUTS, `${spec.name}.pdf`), chairman: join(INPUTS, `${spec.name}.chairman.pdf`), sealed: join(INPUTS, `${spec.name}.sealed.pdf`) };
    const cached = manifest[spec.name];
    if (cached?.version === GENERATOR_VERSION && cached.fixtures === fixtures && [files.unsigned, files.chairman, files.sealed].every((f) => existsSync(f))) {
      result.push({ ...cached, ...files, spec });
      continue;
    }
    const t0 = performance.now();
    const pdf = await unsignedPdf(lib, spec, fontBytes);
    writeAtomically(files.unsigned, pdf);
    const { chairman: bySigner, sealed } = await signDecree30(lib, signers, pdf, fontBytes);
    writeAtomically(files.chairman, bySigner);
    writeAtomically(files.sealed, sealed);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    const entry = { ...files, version: GENERATOR_VERSION, fixtures, bytes: pdf.length, objects: countObjects(pdf), pages: doc.getPageCount() };
    manifest[spec.name] = entry;
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    log(`  built ${spec.name}: ${(pdf.length / 2 ** 20).toFixed(2)} MB, ${entry.pages} pages, ${entry.objects} objects (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    result.push({ ...entry, spec });
  }
  return result;
}
