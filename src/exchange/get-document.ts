// Reading one document: its detail with the status history the caller may see, the signed file,
// and a fresh verification against today's trust anchors and CRLs (the stored report is the one
// from the day it was sent).
import { createHash } from 'node:crypto';
import { DocaxisError } from '../errors.js';
import type { Delivery, ExchangeDocument, Principal, StatusEvent } from '../db/ports.js';
import type { VerificationReport } from '../pades/report.js';
import type { ExchangeDeps } from './deps.js';
import { verifyWithStores } from './trust-material.js';
import { visibleDocument } from './visibility.js';

/** Who acted on an event, as people read it: the user's full name and agency (the id alone tells a clerk nothing). */
export interface EventActor {
  name: string;
  agencyCode: string;
  agencyName: string;
}

export type NamedStatusEvent = StatusEvent & { actor: EventActor | null };

export async function getDocument(
  deps: ExchangeDeps,
  p: Principal,
  id: string,
): Promise<{ document: ExchangeDocument; deliveries: Array<Delivery & { events: NamedStatusEvent[] }> }> {
  const v = await visibleDocument(deps, p, id, 'read document');
  const deliveries = v.asSender ? await deps.stores.deliveries.forDocument(v.document.id) : [v.delivery];
  const actorOf = actorNamer(deps);
  const withEvents = await Promise.all(
    deliveries.map(async (d) => ({
      ...d,
      events: await Promise.all((await deps.stores.deliveries.events(d.id)).map(async (e) => ({ ...e, actor: await actorOf(e.actorUserId) }))),
    })),
  );
  return { document: v.document, deliveries: withEvents };
}

/** Names the actors of one document's events; each user and agency is read once. */
function actorNamer(deps: ExchangeDeps): (userId: string | null) => Promise<EventActor | null> {
  const seen = new Map<string, Promise<EventActor | null>>();
  const lookUp = async (userId: string): Promise<EventActor | null> => {
    const user = await deps.stores.users.byId(userId);
    const agency = user && (await deps.stores.agencies.byId(user.agencyId));
    return user && agency ? { name: user.name, agencyCode: agency.code, agencyName: agency.name } : null;
  };
  return (userId) => {
    if (userId === null) return Promise.resolve(null);
    let found = seen.get(userId);
    if (!found) seen.set(userId, (found = lookUp(userId)));
    return found;
  };
}

export async function downloadDocument(deps: ExchangeDeps, p: Principal, id: string): Promise<{ bytes: Uint8Array; sha256: string; fileName: string }> {
  const { document } = await visibleDocument(deps, p, id, 'download document');
  const bytes = await storedBytes(deps, document);
  return { bytes, sha256: document.fileSha256, fileName: fileNameOf(document) };
}

export async function reverifyDocument(deps: ExchangeDeps, p: Principal, id: string): Promise<VerificationReport> {
  const { document } = await visibleDocument(deps, p, id, 'reverify document');
  return verifyWithStores(deps, await storedBytes(deps, document), deps.clock());
}

/** The blob, checked against its address: a changed blob is a fault, never served as the original. */
async function storedBytes(deps: ExchangeDeps, document: ExchangeDocument): Promise<Uint8Array> {
  const bytes = await deps.stores.blobs.get(document.fileSha256);
  if (!bytes || createHash('sha256').update(bytes).digest('hex') !== document.fileSha256) {
    throw new DocaxisError('INTERNAL', `the stored file of document ${document.id} is missing or does not match its hash`);
  }
  return bytes;
}

/** "1234-UBND-VP.pdf": ASCII only (diacritics dropped), safe in any Content-Disposition and file system. */
export function fileNameOf(document: ExchangeDocument): string {
  const base = `${document.metadata.codeNumber}-${document.metadata.codeNotation}`
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/g, (c) => (c === 'đ' ? 'd' : 'D'))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return `${base || 'document'}.pdf`;
}
