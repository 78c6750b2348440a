// Resolves the `fields` parameter into what to select and which relations to load. `*` expands to
// the fields the caller may read; asking for any other field is refused, never silently dropped.
import { errors } from '../errors.js';
import { fieldAllowed, type AccessPolicy, type CollectionAccess } from '../access/types.js';
import { getCollection, getField, type CollectionDef } from './collections.js';

export interface FieldPlan {
  /** Field names in the order they appear in each item. */
  output: string[];
  /** Columns to fetch: the output's columns plus the primary key and relation keys. */
  selectColumns: Set<string>;
  /** Many-to-one fields to expand, with the nested field paths to read there. */
  m2o: Map<string, string[]>;
  /** One-to-many aliases, with nested paths; an empty list means "the related ids". */
  o2m: Map<string, string[]>;
}

export function planFields(policy: AccessPolicy, collection: CollectionDef, access: CollectionAccess, paths: string[]): FieldPlan {
  const wanted = new Map<string, string[] | null>();
  const want = (name: string, nested: string | null) => {
    const current = wanted.get(name);
    if (nested === null) {
      if (current === undefined) wanted.set(name, null);
    } else {
      wanted.set(name, [...(current ?? []), nested]);
    }
  };

  for (const path of paths) {
    const dot = path.indexOf('.');
    const head = dot === -1 ? path : path.slice(0, dot);
    const rest = dot === -1 ? null : path.slice(dot + 1);
    if (head === '*') {
      if (rest !== null && rest !== '*') throw errors.invalidQuery(`Invalid field "${path}"`);
      for (const [name, field] of Object.entries(collection.fields)) {
        if (!fieldAllowed(access, name)) continue;
        const relatedName = field.m2o ?? field.o2m?.collection;
        if (relatedName && !policy.can(relatedName, 'read')) {
          if (field.o2m) continue; // an alias the caller cannot follow is left out of `*`
          want(name, null);
          continue;
        }
        want(name, rest !== null && relatedName ? '*' : null);
      }
      continue;
    }
    const field = getField(collection, head);
    if (!field) throw errors.invalidQuery(`"${head}" field doesn't exist in "${collection.name}"`);
    if (!fieldAllowed(access, head)) throw errors.forbidden();
    if (rest !== null && !field.m2o && !field.o2m) throw errors.invalidQuery(`"${head}" is not a relational field`);
    if ((rest !== null || field.o2m) && !policy.can(field.m2o ?? field.o2m!.collection, 'read')) throw errors.forbidden();
    want(head, rest);
  }

  const plan: FieldPlan = { output: [], selectColumns: new Set([collection.primaryKey]), m2o: new Map(), o2m: new Map() };
  // Items list fields in the collection's order, whatever order the request named them in.
  for (const name of Object.keys(collection.fields)) {
    if (!wanted.has(name)) continue;
    const field = collection.fields[name]!;
    const nested = wanted.get(name)!;
    plan.output.push(name);
    if (nested !== null) checkNested(policy, field.m2o ?? field.o2m!.collection, nested);
    if (field.o2m) {
      plan.o2m.set(name, nested ?? []);
      continue;
    }
    plan.selectColumns.add(name);
    if (nested !== null && field.m2o) plan.m2o.set(name, nested);
  }
  return plan;
}

/**
 * Plans the related side now, so that a bad nested path is refused whether or not any row would
 * lead there (related rows are read only when there are some).
 */
function checkNested(policy: AccessPolicy, relatedName: string, nested: string[]): void {
  const related = getCollection(relatedName)!;
  const access = policy.can(related.name, 'read');
  if (!access) throw errors.forbidden();
  planFields(policy, related, access, nested);
}
