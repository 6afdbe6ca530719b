// The notation rules (one module, exchange/document-notation.ts) and the register use case on the
// in-memory stores: the seeded demo province's clerks, their notations and their refusals.
import { describe, expect, it } from 'vitest';
import { DOCUMENT_TYPES } from '../../src/exchange/document-types.js';
import { deriveAgencyAbbreviation, notationFor, numberLine, placeDateLine, typeAbbreviation, vietnamYear } from '../../src/exchange/document-notation.js';
import { exportRegisterCsv, registerOutgoing, searchRegister } from '../../src/exchange/register.js';
import { isDocaxisError } from '../../src/errors.js';
import { makeWorld } from './world.js';

const input = (over: Record<string, unknown> = {}) => ({ documentType: 'Quyết định', subject: 'Về việc X', signerName: 'Nguyễn Văn An', documentSha256: 'ab'.repeat(32), ...over });

describe('document notation', () => {
  it('maps every Decree 30 type to its abbreviation, by name or abbreviation; Công văn has none', () => {
    for (const t of DOCUMENT_TYPES) {
      expect(typeAbbreviation(t.name)).toBe(t.abbreviation);
      if (t.abbreviation) expect(typeAbbreviation(t.abbreviation)).toBe(t.abbreviation);
    }
    expect(typeAbbreviation('quyet dinh')).toBe('QĐ');
    expect(typeAbbreviation('Quy định')).toBe('QyĐ');
    expect(() => typeAbbreviation('Thư tình')).toThrow(/unknown document type/);
  });

  it('builds 123/QĐ-UBND and, for a Công văn, 45/UBND or 45/UBND-VP', () => {
    expect(numberLine(123, notationFor('Quyết định', 'UBND'))).toBe('Số: 123/QĐ-UBND');
    expect(notationFor('Tờ trình', 'SNV')).toBe('TTr-SNV');
    expect(notationFor('Công văn', 'UBND')).toBe('UBND');
    expect(notationFor('Công văn', 'UBND', 'VP')).toBe('UBND-VP');
  });

  it('derives the agency abbreviation from its name', () => {
    expect(deriveAgencyAbbreviation('Ủy ban nhân dân tỉnh Thái Bình')).toBe('UBND');
    expect(deriveAgencyAbbreviation('UỶ BAN NHÂN DÂN xã Đông Hợp')).toBe('UBND');
    expect(deriveAgencyAbbreviation('Hội đồng nhân dân tỉnh Thái Bình')).toBe('HĐND');
    expect(deriveAgencyAbbreviation('Văn phòng Chính phủ')).toBe('VPCP');
    expect(deriveAgencyAbbreviation('Sở Nội vụ')).toBe('SNV');
    expect(deriveAgencyAbbreviation('Sở Y tế tỉnh Thái Bình')).toBe('SYT');
    expect(deriveAgencyAbbreviation('Sở Kế hoạch và Đầu tư thành phố Đà Nẵng')).toBe('SKHĐT');
    expect(deriveAgencyAbbreviation('Sở Xây dựng')).toBe('SXD');
    expect(() => deriveAgencyAbbreviation('  ')).toThrow(/no abbreviation/);
  });

  it('writes the place and date in Vietnam time, with Decree 30 zero padding', () => {
    expect(placeDateLine('Thái Bình', new Date('2026-12-07T03:00:00Z'))).toBe('Thái Bình, ngày 07 tháng 12 năm 2026');
    expect(placeDateLine('Thái Bình', new Date('2026-02-04T18:00:00Z'))).toBe('Thái Bình, ngày 05 tháng 02 năm 2026');
    expect(placeDateLine('Hà Nội', new Date('2026-03-15T00:00:00Z'))).toBe('Hà Nội, ngày 15 tháng 3 năm 2026');
    expect(vietnamYear(new Date('2026-12-31T16:59:59.999Z'))).toBe(2026);
    expect(vietnamYear(new Date('2026-12-31T17:00:00Z'))).toBe(2027);
  });
});

describe('registerOutgoing (in memory)', () => {
  it('numbers per agency, notations from each agency’s name or its stored abbreviation', async () => {
    const w = await makeWorld(() => new Date('2026-12-07T03:00:00Z'));
    expect(await registerOutgoing(w.deps, w.clerk.province, input())).toMatchObject({ number: 1, year: 2026, notation: 'QĐ-UBND' });
    expect(await registerOutgoing(w.deps, w.clerk.province, input({ documentType: 'Công văn', unitAbbreviation: 'VP' }))).toMatchObject({ number: 2, notation: 'UBND-VP' });
    await w.stores.register.setAbbreviation(w.clerk.health.agency.id, 'SYTTB');
    expect(await registerOutgoing(w.deps, w.clerk.health, input({ documentType: 'TB' }))).toMatchObject({ number: 1, notation: 'TB-SYTTB' });
    const found = await searchRegister(w.deps, w.auditor, {}, { limit: 10 });
    expect(found.items.map((e) => `${e.number}/${e.notation}`)).toEqual(['2/UBND-VP', '1/QĐ-UBND']);
  });

  it('refuses bad input with REGISTER_INPUT_INVALID before taking a number', async () => {
    const w = await makeWorld();
    for (const bad of [
      { documentType: 'Thư' },
      { subject: '   ' },
      { subject: 'x'.repeat(501) },
      { signerName: '' },
      { documentSha256: 'ab' },
      { documentType: 'Quyết định', unitAbbreviation: 'VP' },
      { documentType: 'Công văn', unitAbbreviation: 'vp;' },
    ]) {
      const err = await registerOutgoing(w.deps, w.clerk.province, input(bad)).catch((e: unknown) => e);
      expect(isDocaxisError(err, 'REGISTER_INPUT_INVALID'), JSON.stringify(bad)).toBe(true);
    }
    // A stored abbreviation so long the notation could not be sent (ký hiệu at most 30 characters).
    await w.stores.register.setAbbreviation(w.clerk.province.agency.id, 'A'.repeat(20));
    const tooLong = await registerOutgoing(w.deps, w.clerk.province, input({ documentType: 'Công văn', unitAbbreviation: 'VANPHONGTH' })).catch((e: unknown) => e);
    expect(isDocaxisError(tooLong, 'REGISTER_INPUT_INVALID')).toBe(true);
    expect((await registerOutgoing(w.deps, w.clerk.province, input())).number).toBe(1);
  });

  it('only a clerk registers; an admin and an auditor read and export their agency’s register', async () => {
    const w = await makeWorld();
    await registerOutgoing(w.deps, w.clerk.province, input());
    for (const p of [w.admin, w.auditor]) {
      const err = await registerOutgoing(w.deps, p, input()).catch((e: unknown) => e);
      expect(isDocaxisError(err, 'FORBIDDEN')).toBe(true);
      expect(w.stores.state.log.at(-1)).toMatchObject({ event: 'access.denied', actorUserId: p.user.id });
      expect((await exportRegisterCsv(w.deps, p, {})).split('\r\n')).toHaveLength(3);
    }
    // Another agency's clerk sees nothing of the province's register.
    expect((await searchRegister(w.deps, w.clerk.health, {}, { limit: 10 })).items).toEqual([]);
  });
});
