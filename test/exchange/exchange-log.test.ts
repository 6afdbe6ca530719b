// The exchange log: search and export for admins and auditors, and a chain check that catches
// tampering.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { csvField, csvRow } from '../../src/exchange/csv.js';
import { searchLog, verifyLog } from '../../src/exchange/exchange-log.js';
import { exportLogCsv } from '../../src/exchange/log-export.js';
import { sendDocument } from '../../src/exchange/send-document.js';
import { updateStatus } from '../../src/exchange/update-status.js';
import { answerRecall, requestRecall } from '../../src/exchange/recall.js';
import { createAgency } from '../../src/exchange/admin.js';
import { CODES, makeLetters, makeWorld, metadata, refused, type Letters, type World } from './world.js';

let L: Letters;
let w: World;
let documentId: string;
beforeAll(async () => {
  L = await makeLetters();
});
beforeEach(async () => {
  w = await makeWorld();
  const sent = await sendDocument(w.deps, w.clerk.province, { metadata: metadata({ codeNumber: '42', recipients: [CODES.health, CODES.district] }), pdf: L.valid });
  documentId = sent.document.id;
  await updateStatus(w.deps, w.clerk.health, documentId, { status: '02', reason: 'Sai thẩm quyền, "không" tiếp nhận,\nđề nghị chuyển' });
  await requestRecall(w.deps, w.clerk.province, documentId, 'Gửi nhầm nơi nhận');
  await answerRecall(w.deps, w.clerk.district, documentId, '15');
});

describe('chain', () => {
  it('verifies after a whole flow', async () => {
    const r = await verifyLog(w.deps, w.auditor);
    expect(r).toEqual({ ok: true, checked: w.stores.state.log.length, firstBroken: null, seals: { ok: true, checked: 0, firstBroken: null } });
  });

  it('reads a long log in batches', async () => {
    for (let i = 0; i < 1100; i++) await w.stores.log.append({ event: 'auth.failed', actorUserId: null, agencyId: null, documentId: null, details: { reason: 'missing' } }, new Date());
    const range = w.stores.log.range.bind(w.stores.log);
    const calls: Array<[number, number]> = [];
    w.stores.log.range = (a, b) => (calls.push([a, b]), range(a, b));
    expect(await verifyLog(w.deps, w.admin)).toMatchObject({ ok: true, checked: w.stores.state.log.length });
    expect(calls.length).toBeGreaterThan(1);
    expect(Math.max(...calls.map(([a, b]) => b - a + 1))).toBeLessThanOrEqual(1000);
  });

  it('detects a changed entry', async () => {
    const sent = w.stores.state.log.find((e) => e.event === 'document.sent')!;
    w.stores.tamperLog(sent.seq, (e) => {
      e.details = { ...e.details, recipients: [CODES.health] };
    });
    expect(await verifyLog(w.deps, w.admin)).toMatchObject({ ok: false, firstBroken: { seq: sent.seq, reason: 'the entry was changed after it was written' } });
  });

  it('detects a deleted entry, a deleted first entry and a re-chained forgery', async () => {
    const middle = w.stores.state.log[5]!;
    w.stores.state.log.splice(5, 1);
    expect((await verifyLog(w.deps, w.admin)).firstBroken).toMatchObject({ seq: middle.seq + 1 });
    w = await makeWorld();
    w.stores.state.log.shift();
    expect((await verifyLog(w.deps, w.admin)).firstBroken).toMatchObject({ seq: 2, reason: 'prevHash does not match the previous entry' });
    w = await makeWorld();
    // Changing the hash along with the content breaks the next link instead.
    const e = w.stores.state.log[3]!;
    w.stores.tamperLog(e.seq, (x) => {
      x.hash = 'f'.repeat(64);
    });
    expect((await verifyLog(w.deps, w.admin)).firstBroken).toMatchObject({ seq: e.seq });
  });

  it('admin and auditor only', async () => {
    await refused(verifyLog(w.deps, w.clerk.province), 'FORBIDDEN');
    await refused(searchLog(w.deps, w.clerk.health, {}, { limit: 10 }), 'FORBIDDEN');
    await refused(exportLogCsv(w.deps, w.clerk.health, {}), 'FORBIDDEN');
  });
});

describe('search and export', () => {
  it('searches by document, event and number', async () => {
    const byDoc = await searchLog(w.deps, w.auditor, { documentId }, { limit: 50 });
    expect(byDoc.items.map((e) => e.event)).toEqual(['document.sent', 'document.delivered', 'document.delivered', 'delivery.status', 'document.recall-requested', 'delivery.status']);
    const statuses = await searchLog(w.deps, w.admin, { event: 'delivery.status' }, { limit: 50 });
    expect(statuses.items.map((e) => e.details['to'])).toEqual(['02', '15']);
    expect((await searchLog(w.deps, w.admin, { documentNumber: '42' }, { limit: 50 })).items.length).toBeGreaterThan(0);
  });

  it('searches by agency code: the agency’s own entries only; an unknown code or a code contradicting the id finds nothing', async () => {
    const health = await w.stores.agencies.byCode(CODES.health);
    const byCode = await searchLog(w.deps, w.auditor, { agencyCode: CODES.health }, { limit: 100 });
    expect(byCode.items.length).toBeGreaterThan(0);
    expect(byCode.items.every((e) => e.agencyId === health!.id)).toBe(true);
    expect(byCode.items.map((e) => e.seq)).toEqual((await searchLog(w.deps, w.auditor, { agencyId: health!.id }, { limit: 100 })).items.map((e) => e.seq));
    expect((await searchLog(w.deps, w.admin, { agencyCode: '000.00.99.H54' }, { limit: 100 })).items).toEqual([]);
    const province = await w.stores.agencies.byCode(CODES.province);
    expect((await searchLog(w.deps, w.admin, { agencyCode: CODES.health, agencyId: province!.id }, { limit: 100 })).items).toEqual([]);
    const csv = await exportLogCsv(w.deps, w.auditor, { agencyCode: CODES.health });
    expect(csv).toContain(`,${CODES.health},`);
    expect(csv).not.toContain(health!.id);
  });

  it('exports RFC 4180 CSV with a header, escaping quotes, commas and newlines', async () => {
    const csv = await exportLogCsv(w.deps, w.auditor, { documentId });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('\uFEFFSố thứ tự,Thời gian (giờ Việt Nam),Sự kiện,Người thực hiện,Mã cơ quan,Tên cơ quan,Mã văn bản,"Số, ký hiệu",Chi tiết,Mã băm trước,Mã băm');
    expect(lines.at(-1)).toBe('');
    // The reason holds a quote, a comma and a newline: JSON escapes them, then CSV doubles the quotes.
    expect(csv).toContain('\\""không\\"" tiếp nhận,\\nđề nghị chuyển');
    const rows = parseCsv(csv);
    expect(rows).toHaveLength(6);
    const status = rows.find((r) => r[2] === 'delivery.status')!;
    expect(JSON.parse(status[8]!)).toMatchObject({ reason: 'Sai thẩm quyền, "không" tiếp nhận,\nđề nghị chuyển' });
  });

  it('field escaping', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvRow(['a', 'b'])).toBe('a,b\r\n');
  });

  it('an agency name with a formula is neutralised in the export', async () => {
    await createAgency(w.deps, w.admin, { code: '000.00.08.H54', name: '=cmd|calc' });
    const csv = await exportLogCsv(w.deps, w.admin, { event: 'admin.agency' });
    expect(csv).not.toMatch(/(^|,)=cmd/m);
  });
});

/** A strict RFC 4180 reader, to prove the export round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows.slice(1);
}
