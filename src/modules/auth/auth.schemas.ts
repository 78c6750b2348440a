// Request bodies of the /auth routes are checked by hand (auth.input.ts) so that errors read as
// Directus words them; these schemas document the routes and shape the replies.
import { Type } from 'typebox';

// Any body at all, none included: a POST without a body (a browser refreshing with its cookie)
// must reach the handler, and a missing field must read as Directus words it ("email" is required),
// not as a schema error.
export const AnyBody = Type.Any();

export const TokensResponse = Type.Object({
  data: Type.Object({
    access_token: Type.Optional(Type.String()),
    refresh_token: Type.Optional(Type.String()),
    expires: Type.Integer(),
  }),
});

export const ProvidersResponse = Type.Object({
  data: Type.Array(Type.Object({ name: Type.String(), driver: Type.String() })),
  disableDefault: Type.Boolean(),
});

export const TfaSecretResponse = Type.Object({ data: Type.Object({ secret: Type.String(), otpauth_url: Type.String() }) });

export const RecoveryCodesResponse = Type.Object({ data: Type.Object({ recovery_codes: Type.Array(Type.String()) }) });
