// A small admin client for the browser tests' preparation (a role, a user with a password): JSON
// mode sign-in and the Directus endpoints, failing loudly on any error.
export class Api {
  private constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  static async signIn(url: string, email: string, password: string): Promise<Api> {
    const res = await fetch(`${url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, mode: 'json' }),
    });
    if (!res.ok) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { data: { access_token: string } };
    return new Api(url, body.data.access_token);
  }

  async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path} failed: ${res.status} ${await res.text()}`);
    return (res.status === 204 ? undefined : ((await res.json()) as { data: T }).data) as T;
  }

  createRole(values: Record<string, unknown>): Promise<{ id: string; name: string }> {
    return this.call('POST', '/roles', values);
  }

  createUser(values: Record<string, unknown>): Promise<{ id: string; email: string }> {
    return this.call('POST', '/users', values);
  }

  getUser(id: string, fields = '*'): Promise<Record<string, unknown>> {
    return this.call('GET', `/users/${id}?fields=${fields}`);
  }

  findUserByEmail(email: string, fields = '*'): Promise<Record<string, unknown> | undefined> {
    const filter = encodeURIComponent(JSON.stringify({ email: { _eq: email } }));
    return this.call<Record<string, unknown>[]>('GET', `/users?fields=${fields}&filter=${filter}`).then((rows) => rows[0]);
  }

  addPermission(values: Record<string, unknown>): Promise<unknown> {
    return this.call('POST', '/permissions', values);
  }
}
