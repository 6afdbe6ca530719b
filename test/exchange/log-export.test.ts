// The exchange log's CSV export as people open it (issue 11): a UTF-8 BOM, column names in
// Vietnamese (English on request), agencies by code and name and users by name rather than ids,
// Vietnam time, and no cell that a spreadsheet would run as a formula.
import { beforeEach, describe, expect, it } from 'vitest';
import { createAgency, createUser } from '../../src/exchange/admin.js';
import { csvField } from '../../src/exchange/csv.js';
import { exportLogCsv, vietnamDateTime } from '../../src/exchange/log-export.js';
import { CODES, makeWorld, type World } from './world.js';

let w: World;
beforeEach(async () => {
  w = await makeWorld();
});

/** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF). */
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
  return rows;
}

describe('CSV export for people', () => {
  it('starts with a BOM and Vietnamese column names; English on request', async () => {
    const vi = await exportLogCsv(w.deps, w.auditor, {});
    expect(vi.charCodeAt(0)).toBe(0xfeff);
    expect(Buffer.from(vi, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(parseCsv(vi.slice(1))[0]).toEqual(['Số thứ tự', 'Thời gian (giờ Việt Nam)', 'Sự kiện', 'Người thực hiện', 'Mã cơ quan', 'Tên cơ quan', 'Mã văn bản', 'Số, ký hiệu', 'Chi tiết', 'Mã băm trước', 'Mã băm']);
    const en = await exportLogCsv(w.deps, w.auditor, {}, 'en');
    expect(parseCsv(en.slice(1))[0]).toEqual(['Sequence', 'Time (Vietnam time UTC+7)', 'Event', 'Done by', 'Agency code', 'Agency name', 'Document id', 'Number/notation', 'Details', 'Previous hash', 'Hash']);
  });

  it('names the agency and the user instead of their ids, in Vietnam time', async () => {
    // 23:30 UTC on 31 December is already 06:30 on 1 January in Vietnam.
    const at = new Date('2026-12-31T23:30:05Z');
    await w.stores.log.append({ event: 'auth.failed', actorUserId: w.clerk.health.user.id, agencyId: w.clerk.health.agency.id, documentId: null, details: { codeNumber: '12', codeNotation: 'SYT-VP' } }, at);
    const rows = parseCsv((await exportLogCsv(w.deps, w.auditor, { event: 'auth.failed' })).slice(1));
    const row = rows.find((r) => r[1] === '01/01/2027 06:30:05')!;
    expect(row).toBeDefined();
    expect(row.slice(2, 8)).toEqual(['auth.failed', w.clerk.health.user.name, CODES.health, w.clerk.health.agency.name, '', '12/SYT-VP']);
    const csv = rows.flat().join('\n');
    expect(csv).not.toContain(w.clerk.health.agency.id);
    expect(vietnamDateTime(new Date('2015-03-16T04:02:35Z'))).toBe('16/03/2015 11:02:35');
  });

  it('neutralises formulas in user and agency names (= + - @ tab CR get an apostrophe)', async () => {
    const agency = await createAgency(w.deps, w.admin, { code: '000.00.08.H54', name: '=HYPERLINK("http://evil.example","bấm")' });
    // (Names are trimmed when created, so a leading tab or CR is checked on the field itself below.)
    for (const name of ['+1+cmd|calc', '-2+3', '@SUM(A1:A9)', '=1+1']) {
      const u = await createUser(w.deps, w.admin, { agencyCode: agency.code, name, role: 'clerk' });
      await w.stores.log.append({ event: 'auth.failed', actorUserId: u.id, agencyId: agency.id, documentId: null, details: {} }, new Date());
    }
    const rows = parseCsv((await exportLogCsv(w.deps, w.auditor, { agencyCode: agency.code, event: 'auth.failed' })).slice(1)).slice(1);
    expect(rows.map((r) => r[3]).sort()).toEqual(["'+1+cmd|calc", "'-2+3", "'=1+1", "'@SUM(A1:A9)"].sort());
    expect(rows.every((r) => r[5] === `'=HYPERLINK("http://evil.example","bấm")`)).toBe(true);
    // No cell of the whole export starts with a formula character.
    for (const cell of rows.flat()) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(csvField('\tTab')).toBe("'\tTab");
    expect(csvField('\rCR')).toBe(`"'\rCR"`);
    expect(csvField('plain -1')).toBe('plain -1');
  });
});
