// Schemas shared by every route: the error shape, ids, cursor pages. TypeBox builds plain JSON
// Schema, so the same objects drive validation, response serialisation and the OpenAPI document.
import { Type, type TSchema } from 'typebox';

export const ErrorBodySchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'A code of the error catalogue (src/errors.ts), e.g. CLASSIFIED_REFUSED' }),
      message: Type.String(),
      // Free-form (e.g. the verification report on SIGNATURE_INVALID): serialised as given.
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { description: 'Every refusal: a stable code from the catalogue, a one-line message' },
);

/** Adds the error answers to a route's success responses, so OpenAPI lists them. */
export function withErrors<R extends Record<number, TSchema>>(ok: R): R & { '4xx': typeof ErrorBodySchema; '5xx': typeof ErrorBodySchema } {
  return { ...ok, '4xx': ErrorBodySchema, '5xx': ErrorBodySchema };
}

export const Uuid = Type.String({ format: 'uuid' });
export const UuidParams = Type.Object({ id: Uuid });

export const AgencyCodeParams = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  after: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'Opaque cursor from the previous page' })),
};

/** Records carry Dates; the serialiser writes them as ISO 8601. */
export const DateTime = Type.Unsafe<Date | string>({ type: 'string', format: 'date-time' });

export function pageOf<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), next: Type.Union([Type.String(), Type.Null()]) });
}

export const AgencyCodePattern = '^\\d{3}\\.\\d{2}\\.\\d{2}\\.[A-Z]\\d{2}$';
