// edXML (QCVN 102:2016): download a visible document as a package signed by the axis, and import a
// package from another system as a send from the clerk's own agency (src/edxml/import-package.ts:
// the PDF then takes the send path unchanged). The XML content-type parser lives in this plugin's
// scope only, with EDXML_MAX_BYTES as its body limit; the XML is read by src/edxml/safe-xml.ts.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { DocaxisError } from '../../errors.js';
import { exportPackage } from '../../edxml/export-package.js';
import { importPackage } from '../../edxml/import-package.js';
import { DEFAULT_XML_LIMITS } from '../../edxml/safe-xml.js';
import { ensureRole } from '../../exchange/guard.js';
import { principalOf } from '../auth-plugin.js';
import type { ExchangeDeps } from '../deps.js';
import { UuidParams, withErrors } from '../schemas/common.js';
import { DeliverySchema, DocumentSchema } from '../schemas/records.js';

const XML_CONTENT_TYPES = ['application/xml', 'text/xml', 'application/edxml+xml'];

const ImportResultSchema = Type.Object({
  document: DocumentSchema,
  deliveries: Type.Array(DeliverySchema),
  replayed: Type.Boolean({ description: 'true: this Idempotency-Key was seen before; this is the original result' }),
});

export const edxmlRoutes: FastifyPluginAsyncTypebox<{ deps: ExchangeDeps; maxBytes: number; uploadLimitBytes: number }> = async (app, { deps, maxBytes, uploadLimitBytes }) => {
  const limits = { ...DEFAULT_XML_LIMITS, maxBytes };
  app.addContentTypeParser(XML_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: maxBytes }, (_request, body, done) => done(null, body));

  app.get(
    '/documents/:id/edxml',
    {
      schema: {
        tags: ['edxml'],
        summary: 'Download the document as an edXML package (QCVN 102:2016) signed by the axis (XML-DSig, RSA-SHA256)',
        params: UuidParams,
        produces: ['application/xml'],
        response: withErrors({ 200: Type.Unsafe<string>({ type: 'string', description: 'edXMLEnvelope, the PDF base64 in edXMLBody' }) }),
      },
    },
    async (request, reply) => {
      const pkg = await exportPackage(deps, principalOf(request), request.params.id);
      return reply.type('application/xml; charset=utf-8').header('content-disposition', `attachment; filename="${pkg.fileName}"`).send(pkg.xml);
    },
  );

  app.post(
    '/edxml/import',
    {
      config: { pdfUpload: true },
      schema: {
        tags: ['edxml'],
        summary: 'Import an edXML package from another system as a send from your agency',
        description:
          'The body is the package (application/xml). Its From must be your agency; it carries exactly one PDF attachment, which is sent exactly as POST /documents sends one ' +
          '(same metadata rules, classification refused before anything is stored, signatures checked). DOCTYPE, entities and processing instructions are refused (EDXML_UNSAFE); ' +
          'so are packages over EDXML_MAX_BYTES (413) or nested too deep. Field errors: 400 EDXML_INVALID with details.fields.',
        consumes: XML_CONTENT_TYPES,
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
        response: withErrors({ 200: ImportResultSchema, 201: ImportResultSchema }),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      await ensureRole(deps, p, 'import an edXML package', 'clerk');
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new DocaxisError('EDXML_INVALID', 'send the package as the body (application/xml)', { details: { fields: { '': 'empty body' } } });
      const key = request.headers['idempotency-key'];
      const result = await importPackage(deps, p, body, { limits, uploadLimitBytes, ...(key !== undefined ? { idempotencyKey: key } : {}) });
      return reply.status(result.replayed ? 200 : 201).send(result);
    },
  );
};
