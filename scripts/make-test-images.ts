// Draws the TEST-ONLY appearance images: a red round agency seal per seal certificate and a blue
// handwritten-looking signature per signer, as RGBA PNGs with transparency (pngjs, no fonts).
// Deterministic: the same name always gives the same picture. Called by generate-test-pki.ts,
// or alone: `tsx scripts/make-test-images.ts`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PNG } from 'pngjs';
import { CERTS, type CertSpec } from './test-pki-spec.js';

type Rgb = readonly [number, number, number];
const SEAL_RED: Rgb = [0xd0, 0x00, 0x00];
const INK_BLUE: Rgb = [0x1a, 0x3d, 0xa8];

/** An alpha mask; pixels are painted with one colour at the end. */
class Mask {
  readonly alpha: Float32Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.alpha = new Float32Array(width * height);
  }
  /** Coverage only ever grows, so overlapping strokes do not darken like real ink would not either. */
  cover(x: number, y: number, a: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || a <= 0) return;
    const i = y * this.width + x;
    if (a > (this.alpha[i] ?? 0)) this.alpha[i] = Math.min(1, a);
  }
  toPng(rgb: Rgb, opacity: number): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0; i < this.alpha.length; i++) {
      png.data[i * 4] = rgb[0];
      png.data[i * 4 + 1] = rgb[1];
      png.data[i * 4 + 2] = rgb[2];
      png.data[i * 4 + 3] = Math.round((this.alpha[i] ?? 0) * opacity * 255);
    }
    return PNG.sync.write(png);
  }
}

/** Small seeded PRNG (mulberry32) so that images are reproducible per name. */
function prng(seedText: string): () => number {
  let seed = 2166136261;
  for (const ch of seedText) seed = Math.imul(seed ^ ch.charCodeAt(0), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------- seal ----------

function pointInPolygon(x: number, y: number, pts: ReadonlyArray<readonly [number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i] ?? [0, 0];
    const [xj, yj] = pts[j] ?? [0, 0];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function starPolygon(cx: number, cy: number, outer: number, inner: number): Array<[number, number]> {
  const pts: Array<[number, number]> = [];
  for (let k = 0; k < 10; k++) {
    const r = k % 2 === 0 ? outer : inner;
    const a = -Math.PI / 2 + (k * Math.PI) / 5; // first point straight up
    pts.push([cx + r * Math.cos(a), cy + r * Math.sin(a)]);
  }
  return pts;
}

export function drawSeal(name: string, size = 400): Buffer {
  const rand = prng(`seal:${name}`);
  const c = size / 2;
  const s = size / 400; // geometry below is designed for 400 px
  const star = starPolygon(c, c, 62 * s, 24 * s);
  const smallStars = [starPolygon(c - 142 * s * Math.sin(0.35), c + 142 * s * Math.cos(0.35), 11 * s, 4.5 * s), starPolygon(c + 142 * s * Math.sin(0.35), c + 142 * s * Math.cos(0.35), 11 * s, 4.5 * s)];
  // The text ring: marks grouped into "words" with gaps, over the top ~290 degrees like the agency
  // name on a real seal; the bottom arc holds two small stars around the place name gap.
  const marks: number[] = [];
  for (let a = -215; a <= 35; a += 4.2) {
    // atan2 answers in [-180, 180]: store the marks in that range too.
    if (rand() > 0.18) marks.push((((a + 540) % 360) - 180) * (Math.PI / 180));
  }
  const inside = (x: number, y: number): boolean => {
    const dx = x - c;
    const dy = y - c;
    const r = Math.hypot(dx, dy) / s;
    if (r >= 186 && r <= 197) return true; // outer ring, thick
    if (r >= 178 && r <= 180.5) return true; // outer ring, thin
    if (r >= 104 && r <= 107) return true; // inner ring, thin
    if (r >= 97 && r <= 100) return true;
    if (r > 118 && r < 166) {
      const theta = Math.atan2(dy, dx);
      for (const m of marks) {
        let d = Math.abs(theta - m);
        if (d > Math.PI) d = 2 * Math.PI - d;
        if (d * r < 1.7 && r > 124 + Math.abs((m * 1000) % 7) && r < 160) return true;
      }
    }
    if (r < 70 && pointInPolygon(x, y, star)) return true;
    return smallStars.some((p) => pointInPolygon(x, y, p));
  };
  const mask = new Mask(size, size);
  const SS = 3; // 3x3 supersampling for anti-aliased edges
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) if (inside(x + (sx + 0.5) / SS, y + (sy + 0.5) / SS)) hits++;
      mask.cover(x, y, hits / (SS * SS));
    }
  }
  return mask.toPng(SEAL_RED, 0.92);
}

// ---------- handwritten signature ----------

type Pt = readonly [number, number];

function bezier(p0: Pt, p1: Pt, p2: Pt, p3: Pt, t: number): [number, number] {
  const u = 1 - t;
  const a = u * u * u;
  const b = 3 * u * u * t;
  const d = 3 * u * t * t;
  const e = t * t * t;
  return [a * p0[0] + b * p1[0] + d * p2[0] + e * p3[0], a * p0[1] + b * p1[1] + d * p2[1] + e * p3[1]];
}

/** A pen stroke along consecutive cubic segments, width swelling mid-stroke like pen pressure. */
function stroke(mask: Mask, segments: ReadonlyArray<readonly [Pt, Pt, Pt, Pt]>, maxWidth: number): void {
  const total = segments.length;
  segments.forEach((seg, si) => {
    const steps = 400;
    for (let k = 0; k <= steps; k++) {
      const t = k / steps;
      const global = (si + t) / total;
      const w = maxWidth * (0.35 + 0.65 * Math.sin(Math.PI * Math.min(1, Math.max(0, global * 0.95 + 0.03))));
      const [x, y] = bezier(seg[0], seg[1], seg[2], seg[3], t);
      const r = w / 2;
      for (let py = Math.floor(y - r - 1); py <= Math.ceil(y + r + 1); py++) {
        for (let px = Math.floor(x - r - 1); px <= Math.ceil(x + r + 1); px++) {
          const dist = Math.hypot(px + 0.5 - x, py + 0.5 - y);
          mask.cover(px, py, r + 0.5 - dist); // 1 px linear edge = anti-aliasing
        }
      }
    }
  });
}

/** Joins points into a smooth chain of cubic segments (Catmull-Rom converted to Bézier). */
function smooth(points: readonly Pt[]): Array<[Pt, Pt, Pt, Pt]> {
  const segs: Array<[Pt, Pt, Pt, Pt]> = [];
  for (let i = 0; i < points.length - 1; i++) {
    const p0 = points[Math.max(0, i - 1)] ?? [0, 0];
    const p1 = points[i] ?? [0, 0];
    const p2 = points[i + 1] ?? [0, 0];
    const p3 = points[Math.min(points.length - 1, i + 2)] ?? [0, 0];
    segs.push([p1, [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6], [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6], p2]);
  }
  return segs;
}

export function drawSignature(name: string, width = 600, height = 240): Buffer {
  const rand = prng(`sig:${name}`);
  const j = (v: number, amount: number): number => v + (rand() - 0.5) * amount;
  const mask = new Mask(width, height);

  // 1. A tall looping capital.
  stroke(mask, smooth([[j(70, 10), 180], [j(95, 10), 60], [j(125, 10), 28], [j(140, 8), 70], [j(105, 10), 150], [j(88, 6), 168], [j(150, 10), 128], [j(185, 10), 118]]), 7);

  // 2. The cursive body: loops marching right, heights varying like letters.
  const body: Pt[] = [[185, 120]];
  let x = 185;
  const letters = 7 + Math.floor(rand() * 4);
  for (let i = 0; i < letters; i++) {
    const tall = rand() > 0.65;
    x += j(34, 12);
    body.push([x - 14, tall ? j(55, 14) : j(95, 12)]);
    body.push([x - 22, j(138, 10)]);
    body.push([x, j(124, 12)]);
  }
  stroke(mask, smooth(body), 5.5);

  // 3. A flourish underline sweeping back under the name.
  const end = Math.min(width - 30, x + 30);
  stroke(mask, smooth([[end, j(110, 10)], [j(end - 20, 10), 170], [j((end + 60) / 2, 30), j(192, 10)], [j(90, 20), j(200, 8)], [50, j(186, 8)]]), 6);

  // 4. A dot and a short tick (diacritics, which Vietnamese names always have).
  stroke(mask, smooth([[j(260, 40), 40], [j(268, 40), 34], [j(276, 40), 42]]), 5);
  return mask.toPng(INK_BLUE, 1);
}

export function makeTestImages(outDir: string, certs: readonly CertSpec[]): void {
  const dir = join(outDir, 'images');
  mkdirSync(dir, { recursive: true });
  for (const spec of certs) {
    if (spec.image === undefined) continue;
    if (spec.role === 'seal') writeFileSync(join(dir, `seal-${spec.image}.png`), drawSeal(spec.image));
    else writeFileSync(join(dir, `handwritten-${spec.image}.png`), drawSignature(spec.image));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  makeTestImages(resolve(dirname(fileURLToPath(import.meta.url)), '..', 'certs-fixtures'), CERTS);
}
