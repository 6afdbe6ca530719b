// Agencies: registered by admins with the strict QCVN 102 code; everyone may list them (the
// recipients picker). Deactivating keeps the agency and its history; it can no longer receive
// documents, and its users can no longer authenticate.
import { DocaxisError } from '../errors.js';
import { AGENCY_LEVELS, type Agency, type AgencyLevel, type Principal } from '../db/ports.js';
import { adminChange, invalidField, requiredText } from './admin-change.js';
import { AGENCY_CODE, deriveLevel, parentCodeOf } from './agency-code.js';
import type { ExchangeDeps } from './deps.js';
import { ensureRole, notFound } from './guard.js';
import { rejectInvisible } from './text.js';

export async function createAgency(deps: ExchangeDeps, p: Principal, input: { code: string; name: string; level?: AgencyLevel; parentCode?: string | null }): Promise<Agency> {
  await ensureRole(deps, p, 'create agency', 'admin');
  const code = typeof input.code === 'string' ? input.code.trim() : '';
  if (!AGENCY_CODE.test(code)) throw new DocaxisError('AGENCY_CODE_INVALID', JSON.stringify(input.code));
  const name = rejectInvisible('name', requiredText('name', input.name, 255));
  if (input.level !== undefined && !AGENCY_LEVELS.includes(input.level)) throw invalidField('level', `one of ${AGENCY_LEVELS.join(', ')}`);
  if (await deps.stores.agencies.byCode(code)) throw new DocaxisError('AGENCY_EXISTS', code);

  // An explicit parent must exist; by default the parent is the body the code names, when registered.
  const explicit = typeof input.parentCode === 'string' && input.parentCode.trim() !== '' ? input.parentCode.trim() : undefined;
  const parent = await deps.stores.agencies.byCode(explicit ?? parentCodeOf(code) ?? '');
  if (explicit !== undefined && !parent) throw invalidField('parentCode', `${explicit} is not registered`);
  const parentCode = input.parentCode === null ? null : (parent?.code ?? null);
  const level = input.level ?? deriveLevel(code, parent?.level);

  return adminChange(deps, p, 'admin.agency', async (tx) => {
    const agency = await tx.agencies.insert({ code, name, level, parentCode, active: true });
    return { result: agency, agencyId: agency.id, details: { action: 'create', code, name, level, parentCode } };
  });
}

export async function listAgencies(deps: ExchangeDeps, _p: Principal): Promise<Agency[]> {
  return deps.stores.agencies.list();
}

export async function setAgencyActive(deps: ExchangeDeps, p: Principal, code: string, active: boolean): Promise<Agency> {
  await ensureRole(deps, p, 'change agency', 'admin');
  const agency = await deps.stores.agencies.byCode(code);
  if (!agency) return notFound(deps, p, `change agency ${code}`);
  if (agency.active === active) return agency;
  return adminChange(deps, p, 'admin.agency', async (tx) => {
    await tx.agencies.setActive(agency.id, active);
    return { result: { ...agency, active }, agencyId: agency.id, details: { action: active ? 'activate' : 'deactivate', code, from: agency.active, to: active } };
  });
}
