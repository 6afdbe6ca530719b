// Records → JSON where JSON has no native form: DER bytes become base64. Everything else passes
// through and the response schemas choose the fields that leave.
import type { Delivery, Principal, StatusEvent } from '../db/ports.js';
import type { EventActor } from '../exchange/get-document.js';

export function eventDto<E extends StatusEvent>(e: E): Omit<E, 'receipt'> & { receipt: string | null } {
  return { ...e, receipt: e.receipt ? Buffer.from(e.receipt).toString('base64') : null };
}

/** An event the caller just made: its actor is the caller. */
export function ownEventDto(e: StatusEvent, p: Principal) {
  const actor: EventActor = { name: p.user.name, agencyCode: p.agency.code, agencyName: p.agency.name };
  return eventDto({ ...e, actor });
}

export function deliveryWithEventsDto<E extends StatusEvent>(d: Delivery & { events: E[] }) {
  return { ...d, events: d.events.map(eventDto) };
}
