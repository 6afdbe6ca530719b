// Records → JSON where JSON has no native form: DER bytes become base64. Everything else passes
// through and the response schemas choose the fields that leave.
import type { Delivery, StatusEvent } from '../db/ports.js';

export function eventDto(e: StatusEvent): Omit<StatusEvent, 'receipt'> & { receipt: string | null } {
  return { ...e, receipt: e.receipt ? Buffer.from(e.receipt).toString('base64') : null };
}

export function deliveryWithEventsDto(d: Delivery & { events: StatusEvent[] }) {
  return { ...d, events: d.events.map(eventDto) };
}
