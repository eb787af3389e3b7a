// Signing in to a fresh n8n (N8n.startServer() of the harness): what the editor test
// does before it opens the editor in a browser.

/** The owner the test creates and signs in as. */
export const OWNER = {
  email: 'owner@example.com',
  firstName: 'Editor',
  lastName: 'Test',
  password: 'Editor-test-2026',
};

/**
 * Creates the owner (`POST /rest/owner/setup`) and signs in (`POST /rest/login`);
 * resolves the session cookie `{ name, value }`.
 */
export async function signIn(url) {
  const post = (route, body) =>
    fetch(`${url}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  const setup = await post('/rest/owner/setup', OWNER);
  if (!setup.ok) throw new Error(`POST /rest/owner/setup: ${setup.status} ${await setup.text()}`);
  const login = await post('/rest/login', {
    emailOrLdapLoginId: OWNER.email,
    password: OWNER.password,
  });
  if (!login.ok) throw new Error(`POST /rest/login: ${login.status} ${await login.text()}`);
  // The session cookie login set, else the one owner setup set.
  const cookie = [...login.headers.getSetCookie(), ...setup.headers.getSetCookie()]
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('n8n-auth='));
  if (!cookie) throw new Error('neither owner setup nor login set an n8n-auth cookie');
  const [name, ...value] = cookie.split('=');
  return { name, value: value.join('=') };
}
