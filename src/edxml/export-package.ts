// Use case: a clerk who may see a document downloads it as an edXML package signed by the axis.
// Visibility is the detail's (visibility.ts: the sender, or a recipient not withdrawn); documents
// it refers to appear only if the caller may see them too, so the package leaks nothing new.
import type { ExchangeDocument, Principal } from '../db/ports.js';
import { DocaxisError } from '../errors.js';
import type { ExchangeDeps } from '../exchange/deps.js';
import { downloadDocument } from '../exchange/get-document.js';
import { visibleDocument } from '../exchange/visibility.js';
import { buildEnvelope } from './build.js';
import { envelopeOf } from './to-metadata.js';
import { signEnvelope } from './xml-signature.js';

export async function exportPackage(deps: ExchangeDeps, p: Principal, id: string, opts: { axisCode?: string } = {}): Promise<{ xml: string; fileName: string; document: ExchangeDocument }> {
  const { document } = await visibleDocument(deps, p, id, 'download document as edXML');
  if (!deps.receiptSigner) throw new DocaxisError('EDXML_SIGNER_MISSING');
  const file = await downloadDocument(deps, p, id);
  const m = document.metadata;
  const agencies = await Promise.all([document.senderCode, ...m.recipients].map((c) => deps.stores.agencies.byCode(c)));
  const names = new Map(agencies.flatMap((a) => (a ? [[a.code, a.name] as const] : [])));
  const related = new Map<string, ExchangeDocument>();
  for (const rid of [...m.responseFor, ...(m.relatedDocumentId ? [m.relatedDocumentId] : [])]) {
    const r = await deps.stores.documents.byId(rid).catch(() => undefined);
    if (r && (await mayRead(deps, p, r))) related.set(rid, r);
  }
  const envelope = envelopeOf(document, {
    senderName: names.get(document.senderCode) ?? document.senderCode,
    recipientNames: names,
    related,
    pdf: file.bytes,
    fileName: file.fileName,
    axisCode: opts.axisCode,
    now: deps.clock(),
  });
  const xml = await signEnvelope(buildEnvelope(envelope), deps.receiptSigner);
  return { xml, fileName: file.fileName.replace(/\.pdf$/, '.edxml'), document };
}

async function mayRead(deps: ExchangeDeps, p: Principal, d: ExchangeDocument): Promise<boolean> {
  if (d.senderAgencyId === p.agency.id) return true;
  const delivery = await deps.stores.deliveries.byDocumentAndRecipient(d.id, p.agency.id);
  return delivery !== undefined && !delivery.withdrawn;
}
