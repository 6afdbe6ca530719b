// QCVN 102:2016 agency codes, V1V2V3.Z1Z2.Y1Y2.MX1X2 read right to left, and the level rule.
//
// Level derived from the code when the admin gives none:
// - level-1 letter other than H (provincial People's Committee) or K (People's Council): central
//   (G = ministries and the Government Office, e.g. 000.00.00.G22);
// - 000.00.00.Hxx / Kxx: province;
// - 000.00.YY.Hxx (YY != 00): province. Departments (sở) and district People's Committees share
//   this form (both are level 2), so the code cannot tell them apart: a district is registered
//   with level 'district' explicitly (the demo seed reads it from the fixtures manifest);
// - ZZ != 00 or VVV != 000 (units under a level-2 body): commune when the parent it names is a
//   registered district or is not registered at all (communes are what registers at that depth),
//   otherwise the parent's level (a unit under a department is provincial).
import type { AgencyLevel } from '../db/ports.js';

export const AGENCY_CODE = /^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$/;

/** The code of the body one level up that the code itself names, or null at the top. */
export function parentCodeOf(code: string): string | null {
  const [v, z, y, m] = code.split('.');
  if (v !== '000') return `000.${z}.${y}.${m}`;
  if (z !== '00') return `000.00.${y}.${m}`;
  if (y !== '00') return `000.00.00.${m}`;
  return null;
}

export function deriveLevel(code: string, parentLevel: AgencyLevel | undefined): AgencyLevel {
  const [v, z, , m] = code.split('.');
  if (!m || !/^[HK]/.test(m)) return 'central';
  // 000.00.00: the province itself; 000.00.YY: a department (or a district, see above).
  if (v === '000' && z === '00') return 'province';
  return parentLevel === undefined || parentLevel === 'district' ? 'commune' : parentLevel;
}
