// One delivery per (document, recipient) and its status history. updateStatus is a
// compare-and-set on the current status, so two clerks racing on one delivery cannot both win.
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db.js';
import type { Delivery, DeliveryStore, StatusCode, StatusEvent } from '../ports.js';
import { deliveries, statusEvents } from '../schema.js';

type Row = typeof deliveries.$inferSelect;
type EventRow = typeof statusEvents.$inferSelect;

const toDelivery = (r: Row): Delivery => ({ ...r, status: r.status as StatusCode });

function toEvent(r: EventRow): StatusEvent {
  const { ord: _ord, ...e } = r;
  return { ...e, status: e.status as StatusCode };
}

export async function insertDeliveries(db: Db, ds: Array<Omit<Delivery, 'id'> & { id?: string }>): Promise<Delivery[]> {
  if (ds.length === 0) return [];
  return (await db.insert(deliveries).values(ds).returning()).map(toDelivery);
}

export async function deliveriesForDocument(db: Db, documentId: string): Promise<Delivery[]> {
  const rows = await db.select().from(deliveries).where(eq(deliveries.documentId, documentId)).orderBy(asc(deliveries.recipientCode));
  return rows.map(toDelivery);
}

export async function deliveryByDocumentAndRecipient(db: Db, documentId: string, recipientAgencyId: string): Promise<Delivery | undefined> {
  const [r] = await db
    .select()
    .from(deliveries)
    .where(and(eq(deliveries.documentId, documentId), eq(deliveries.recipientAgencyId, recipientAgencyId)));
  return r && toDelivery(r);
}

export async function updateDeliveryStatus(db: Db, id: string, from: StatusCode, to: StatusCode, at: Date, withdrawn?: boolean): Promise<boolean> {
  const rows = await db
    .update(deliveries)
    .set({ status: to, statusUpdatedAt: at, ...(withdrawn === undefined ? {} : { withdrawn }) })
    .where(and(eq(deliveries.id, id), eq(deliveries.status, from)))
    .returning({ id: deliveries.id });
  return rows.length === 1;
}

export async function addStatusEvent(db: Db, e: Omit<StatusEvent, 'id'>): Promise<StatusEvent> {
  const [r] = await db.insert(statusEvents).values(e).returning();
  return toEvent(r!);
}

/** One multi-row INSERT; `ord` follows the order of `es`. */
export async function addStatusEvents(db: Db, es: ReadonlyArray<Omit<StatusEvent, 'id'>>): Promise<StatusEvent[]> {
  if (es.length === 0) return [];
  const rows = await db.insert(statusEvents).values([...es]).returning();
  return rows.sort((a, b) => a.ord - b.ord).map(toEvent);
}

/** Oldest first, in the order they were written. */
export async function statusEventsFor(db: Db, deliveryId: string): Promise<StatusEvent[]> {
  const rows = await db.select().from(statusEvents).where(eq(statusEvents.deliveryId, deliveryId)).orderBy(asc(statusEvents.ord));
  return rows.map(toEvent);
}

/** One index range (deliveries_recipient_status_idx): cheap enough to run on every live event. */
export async function notHandledCount(db: Db, recipientAgencyId: string, statuses: readonly StatusCode[]): Promise<number> {
  if (statuses.length === 0) return 0;
  const [r] = await db
    .select({ n: count() })
    .from(deliveries)
    .where(and(eq(deliveries.recipientAgencyId, recipientAgencyId), inArray(deliveries.status, [...statuses]), eq(deliveries.withdrawn, false)));
  return r?.n ?? 0;
}

export function deliveryStore(db: Db): DeliveryStore {
  return {
    insertMany: (ds) => insertDeliveries(db, ds),
    forDocument: (documentId) => deliveriesForDocument(db, documentId),
    byDocumentAndRecipient: (documentId, recipient) => deliveryByDocumentAndRecipient(db, documentId, recipient),
    updateStatus: (id, from, to, at, withdrawn) => updateDeliveryStatus(db, id, from, to, at, withdrawn),
    addEvent: (e) => addStatusEvent(db, e),
    addEvents: (es) => addStatusEvents(db, es),
    events: (deliveryId) => statusEventsFor(db, deliveryId),
    notHandledCount: (recipientAgencyId, statuses) => notHandledCount(db, recipientAgencyId, statuses),
  };
}
