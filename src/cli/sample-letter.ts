// A sample official letter (công văn) laid out as Decree 30/2020 Appendix I shows, with room for
// the signer's signature between the title and the name. Used by the demo, tests and benchmarks.
// A fresh document, so pdf-lib's full save is fine here (nothing is signed yet).
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

export interface SampleLetter {
  pdf: Uint8Array;
  /** Where the signer's visible signature goes (1-based page, points). */
  signerBox: { page: number; x: number; y: number; width: number; height: number };
}

export interface SampleLetterOptions {
  fontBytes: Uint8Array;
  /** Extra pages of body text (a long report); default 0. */
  extraPages?: number;
  useObjectStreams?: boolean;
  date?: Date;
}

const BODY =
  'Thực hiện Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư, ' +
  'Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành, Ủy ban nhân dân các huyện, thành phố triển khai ' +
  'gửi, nhận văn bản điện tử có ký số qua Trục liên thông văn bản của tỉnh, bảo đảm 100% văn bản ' +
  'trao đổi giữa các cơ quan nhà nước là văn bản điện tử và được ký số (trừ văn bản mật). ' +
  'Văn thư cơ quan kiểm tra tính xác thực, toàn vẹn của văn bản đến và xác nhận ngay trong ngày.';

/** Greedy word wrap to a width in points. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

export async function makeSampleLetter(o: SampleLetterOptions): Promise<SampleLetter> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(o.fontBytes, { subset: true });
  const date = o.date ?? new Date();
  doc.setTitle('Công văn về việc triển khai Trục liên thông văn bản');
  doc.setProducer('docaxis sample letter');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  const page = doc.addPage([595.28, 841.89]); // A4
  const text = (p: PDFPage, s: string, x: number, y: number, size = 12, f: PDFFont = font) => p.drawText(s, { x, y, size, font: f, color: rgb(0, 0, 0) });
  const centred = (s: string, cx: number, y: number, size = 12) => text(page, s, cx - font.widthOfTextAtSize(s, size) / 2, y, size);

  centred('ỦY BAN NHÂN DÂN', 150, 790, 12);
  centred('TỈNH THÁI BÌNH', 150, 775, 12);
  centred('Số: 1234/UBND-VP', 150, 750, 12);
  centred('V/v triển khai Trục liên thông văn bản', 150, 733, 10);
  centred('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 410, 790, 12);
  centred('Độc lập - Tự do - Hạnh phúc', 410, 775, 12);
  const d = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(date);
  const part = (t: string) => d.find((x) => x.type === t)?.value ?? '';
  centred(`Thái Bình, ngày ${part('day')} tháng ${part('month')} năm ${part('year')}`, 410, 750, 11);
  centred('Kính gửi: Sở Y tế tỉnh Thái Bình', 297, 690, 12);
  const body = wrap(BODY, font, 10.5, 475);
  body.forEach((line, i) => text(page, line, 60, 650 - i * 18, 10.5));
  text(page, 'Nơi nhận:', 60, 420, 10);
  text(page, '- Như trên;', 60, 405, 9);
  text(page, '- Lưu: VT.', 60, 392, 9);
  centred('TM. ỦY BAN NHÂN DÂN', 430, 430, 12);
  centred('CHỦ TỊCH', 430, 415, 12);
  centred('Nguyễn Văn An', 430, 290, 12);

  for (let i = 0; i < (o.extraPages ?? 0); i++) {
    const p = doc.addPage([595.28, 841.89]);
    text(p, `Phụ lục - trang ${i + 2}`, 60, 800, 12);
    for (let l = 0; l < 40; l++) text(p, `${l + 1}. ${body[l % body.length] ?? ''}`, 50, 770 - l * 18, 9);
  }
  const pdf = await doc.save({ useObjectStreams: o.useObjectStreams ?? false });
  return { pdf, signerBox: { page: 1, x: 330, y: 305, width: 200, height: 100 } };
}
