import type { FastifyInstance } from 'fastify';
import { InvalidJsonError, InvalidRequestError } from '../../common/errors';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../scim-protocol';

/** application/json, application/scim+json and any other application/*+json (RFC 6839 §3.1). */
const JSON_MEDIA_TYPES = /^application\/([^;]+\+)?json(;|$)/;

/**
 * The only body parser: JSON media types up to `bodyLimit` bytes (413 beyond, before the body is read);
 * any other media type is refused with 415 rather than reaching a handler unparsed. A body nested deeper than
 * MAX_JSON_DEPTH is refused here, before any handler walks it (a walk that recursed 4,000 levels overflowed the
 * stack halfway through a Bulk request).
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
        void parseJson(request, body, (err, value: unknown) => {
          if (err) done(new InvalidJsonError());
          else if (nestsDeeperThan(value, MAX_JSON_DEPTH)) done(tooDeep());
          else done(null, value);
        });
    },
  );
}

function tooDeep(): InvalidRequestError {
  return new InvalidRequestError(
    `The request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`,
    'invalidSyntax',
  );
}
