import type { FastifyInstance } from 'fastify';
import { InvalidJsonError } from '../../common/errors';

/** application/json, application/scim+json and any other application/*+json (RFC 6839 §3.1). */
const JSON_MEDIA_TYPES = /^application\/([^;]+\+)?json(;|$)/;

/**
 * The only body parser: JSON media types up to `bodyLimit` bytes (413 beyond, before the body is read);
 * any other media type is refused with 415 rather than reaching a handler unparsed.
 */
export function acceptJsonBodies(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  // JSON.parse refusing __proto__ and constructor.prototype keys; it calls back before returning.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    JSON_MEDIA_TYPES,
    { parseAs: 'string', bodyLimit },
    (request, body: string, done) => {
      // Fastify parses whenever a Content-Type is given: an empty body is read as {}, as Express'
      // body-parser did, since clients send DELETE with a JSON Content-Type and no body.
      if (body.length === 0) done(null, {});
      else
        void parseJson(request, body, (err, value) =>
          err ? done(new InvalidJsonError()) : done(null, value),
        );
    },
  );
}
