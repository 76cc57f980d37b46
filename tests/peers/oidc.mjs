// A real OpenID Provider (oidc-provider) on 127.0.0.1, random port, for the
// end-to-end tests. Prints one JSON line `{"issuer":"http://127.0.0.1:PORT"}`
// on stdout once listening, then serves until killed or until stdin closes.
//
// See README.md in this folder for the HTTP steps of a login.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

const CLIENT_ID = 'pactum';
const CLIENT_SECRET = 'pactum-secret';

// The relying party listens on a random port and names the provider in the
// path, so every `http://127.0.0.1:<port>/auth/callback/<slug>` is accepted.
const REDIRECT_URI = /^http:\/\/127\.0\.0\.1:[0-9]{1,5}\/auth\/callback\/[^?#]+$/;

/** The account for whatever login name was typed into the login form. */
function account(id) {
  const email = id.includes('@') ? id : `${id}@example.test`;
  return {
    accountId: id,
    async claims() {
      return {
        sub: id,
        email,
        email_verified: !id.startsWith('unverified'),
        name: `Test ${id.split('@')[0]}`,
      };
    },
  };
}

/**
 * Consent is given automatically: the grant always covers the scopes and
 * claims of the current request, so after the login form the provider
 * redirects straight back to the relying party.
 */
async function loadExistingGrant(ctx) {
  const { provider, client, session, account: acct } = ctx.oidc;
  const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
  let grant = grantId ? await provider.Grant.find(grantId) : undefined;
  if (!grant || grant.accountId !== acct.accountId) {
    grant = new provider.Grant({ clientId: client.clientId, accountId: acct.accountId });
  }
  const scopes = [...ctx.oidc.requestParamOIDCScopes];
  if (scopes.length) grant.addOIDCScope(scopes.join(' '));
  const claims = [...ctx.oidc.requestParamClaims];
  if (claims.length) grant.addOIDCClaims(claims);
  await grant.save();
  return grant;
}

const server = createServer();
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
const issuer = `http://127.0.0.1:${server.address().port}`;

const signingKey = {
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: randomBytes(8).toString('hex'),
  alg: 'RS256',
  use: 'sig',
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    // client_secret_post is accepted as well: oidc-provider treats the two
    // secret-based methods as interchangeable.
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // A placeholder: the real check is the override of redirectUriAllowed below.
    redirect_uris: ['http://127.0.0.1:1/auth/callback/placeholder'],
  }],
  // The relying party must always send redirect_uri (no defaulting to the
  // placeholder above).
  allowOmittingSingleRegisteredRedirectUri: false,
  pkce: { methods: ['S256'], required: () => true },
  scopes: ['openid'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // Put the scope claims (email, name, ...) into the id_token too.
  conformIdTokenClaims: false,
  findAccount: (_ctx, id) => account(id),
  loadExistingGrant,
  // Keep the dev login form. Over plain http oidc-provider does not mark the
  // cookies `Secure`, so they work on http://127.0.0.1.
  features: { devInteractions: { enabled: true } },
  cookies: {
    keys: [randomBytes(16).toString('hex')],
    long: { httpOnly: true, sameSite: 'lax', signed: true },
    short: { httpOnly: true, sameSite: 'lax', signed: true },
  },
  jwks: { keys: [signingKey] },
  issueRefreshToken: () => false,
  ttl: {
    AccessToken: 600,
    AuthorizationCode: 120,
    IdToken: 600,
    Interaction: 600,
    Session: 3600,
    Grant: 3600,
  },
  renderError(ctx, out) {
    ctx.type = 'json';
    ctx.body = out;
  },
});

// Wildcard redirect URIs for the one test client. Client#redirectUriAllowed
// is the hook oidc-provider consults for every redirect_uri check (at /auth
// and when deciding whether an error may be redirected back).
provider.Client.prototype.redirectUriAllowed = function redirectUriAllowed(value) {
  return this.clientId === CLIENT_ID && typeof value === 'string' && REDIRECT_URI.test(value);
};

provider.on('server_error', (_ctx, err) => console.error('oidc server_error:', err));

server.on('request', provider.callback());

process.stdout.write(`${JSON.stringify({ issuer })}\n`);

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
