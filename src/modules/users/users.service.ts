// Rules about users that are not plain CRUD. No request or reply types here.
import { errors } from '../../errors.js';
import { readItems, type Item, type QueryContext } from '../../query/run.js';
import type { Query } from '../../query/types.js';

/**
 * The caller's own row. No user is 401; a role that may not read its own row still learns its
 * id, as in Directus.
 */
export async function readMe(ctx: QueryContext, userId: string | null, query: Query): Promise<Item> {
  if (!userId) throw errors.invalidCredentials();
  if (!ctx.access.can('directus_users', 'read')) return { id: userId };
  const { data } = await readItems(ctx, 'directus_users', { ...query, limit: 1, offset: 0, page: null, meta: [] }, {
    where: { id: { _eq: userId } },
  });
  return data[0] ?? { id: userId };
}
