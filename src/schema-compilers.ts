// Fastify's own schema compilers (Ajv for what requests carry, fast-json-stringify for answers),
// each route's schemas compiled the first time the route needs them instead of all of them while
// the server starts.
//
// Compiling them up front was about 15% of a cold start (issue 7: 217 -> 185 ms): Fastify compiles every
// route's validators and serializers before it listens, and most routes of a given process are
// never called, or not soon. Compiled on first use, a route's first request pays for its own (a
// fraction of a millisecond each) and nothing is compiled twice. The schemas are the same TypeBox
// values either way, and a test compiles every route's schemas with Fastify's own compilers (which
// do it in ready()), so a schema that does not compile fails there, not in production.
import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<Compilers['buildValidator']>;
type SerializerFactory = NonNullable<Compilers['buildSerializer']>;

/**
 * A validator that compiles on its first use. What Fastify reads of the compiled one is passed
 * through: `schemaEnv` before each call (when set, Fastify hands Ajv the request too, so that a
 * root value can be coerced), every argument, and `errors` after a failed check.
 */
function lazyValidator<F extends (...args: never[]) => unknown>(compile: () => F): F {
  let compiled: F | undefined;
  const get = () => (compiled ??= compile());
  const validate = ((...args: unknown[]) => (get() as unknown as (...a: unknown[]) => unknown)(...args)) as unknown as F;
  Object.defineProperty(validate, 'schemaEnv', { get: () => (get() as { schemaEnv?: unknown }).schemaEnv, enumerable: true });
  Object.defineProperty(validate, 'errors', { get: () => (compiled as { errors?: unknown } | undefined)?.errors, enumerable: true });
  return validate;
}

/**
 * Fastify lowercases the property names of a headers schema (Node lowercases header names) for its
 * own compilers only; with these it would not, and `X-Foo` would never match. Usher's header
 * schemas are lowercase; one that is not is refused when its route is added.
 */
function assertLowercaseHeaders(route: { schema: unknown; httpPart?: string; method?: string; url?: string }): void {
  if (route.httpPart !== 'headers') return;
  const schema = route.schema as { properties?: Record<string, unknown>; required?: unknown } | null;
  const names = [...Object.keys(schema?.properties ?? {}), ...(Array.isArray(schema?.required) ? (schema.required as string[]) : [])];
  const upper = [...new Set(names)].filter((n) => n !== n.toLowerCase());
  if (upper.length > 0) throw new Error(`${route.method} ${route.url}: header names in a schema must be lowercase (${upper.join(', ')})`);
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
    return (route) => {
      assertLowercaseHeaders(route);
      return lazyValidator(() => compile(route));
    };
  };
  const buildSerializer: SerializerFactory = (externalSchemas, options) => {
    const compile = serializers(externalSchemas, options);
    return (route) => lazySerializer(() => compile(route));
  };
  return { buildValidator, buildSerializer };
}
