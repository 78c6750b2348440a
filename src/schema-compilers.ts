// Fastify's own schema compilers (Ajv for what requests carry, fast-json-stringify for answers),
// each route's schemas compiled the first time the route needs them instead of all of them while
// the server starts.
//
// Compiling them up front was a fifth of the work of a cold start (issue 7): Fastify compiles every
// route's validators and serializers before it listens, and most routes of a given process are
// never called, or not soon. Compiled on first use, a route's first request pays for its own (a
// fraction of a millisecond each) and nothing is compiled twice. The schemas are the same TypeBox
// values either way, and the tests call every route, so a schema that does not compile still fails
// there, not in production.
import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<Compilers['buildValidator']>;
type SerializerFactory = NonNullable<Compilers['buildSerializer']>;

/** A validator that compiles on its first call; `errors` (which Fastify reads after a failed check) is the compiled one's. */
function lazyValidator<F extends (data: unknown) => unknown>(compile: () => F): F {
  let compiled: F | undefined;
  const validate = ((data: unknown) => (compiled ??= compile())(data)) as F;
  Object.defineProperty(validate, 'errors', { get: () => (compiled as { errors?: unknown } | undefined)?.errors, enumerable: true });
  return validate;
}

/** A serializer that compiles on its first call. */
function lazySerializer(compile: () => (data: unknown) => string): (data: unknown) => string {
  let compiled: ((data: unknown) => string) | undefined;
  return (data) => (compiled ??= compile())(data);
}

export function lazySchemaCompilers(): Compilers {
  const validators = AjvCompiler();
  const serializers = SerializerSelector();
  const buildValidator: ValidatorFactory = (externalSchemas, options) => {
    const compile = validators(externalSchemas, options);
    return (route) => lazyValidator(() => compile(route));
  };
  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    const compile = serializers(externalSchemas, options);
    return (route) => lazySerializer(() => compile(route));
  };
  return { buildValidator, buildSerializer };
}
