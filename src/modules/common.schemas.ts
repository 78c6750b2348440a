// Schemas shared by the item routes. Items are shaped by the query engine from an allow-list of
// fields (see query/fields.ts), so their response schema is an open object.
import { Type } from 'typebox';

export const Item = Type.Object({}, { additionalProperties: true });

export const ItemResponse = Type.Object({ data: Item });

export const ListResponse = Type.Object({
  data: Type.Array(Item),
  meta: Type.Optional(
    Type.Object({ total_count: Type.Optional(Type.Integer()), filter_count: Type.Optional(Type.Integer()) }),
  ),
});

export const IdParams = Type.Object({ id: Type.String({ maxLength: 255 }) });

export const SearchBody = Type.Object({ query: Type.Optional(Type.Object({}, { additionalProperties: true })) });

export const ErrorResponse = Type.Object({
  errors: Type.Array(
    Type.Object({ message: Type.String(), extensions: Type.Object({ code: Type.String() }, { additionalProperties: true }) }),
  ),
});
