// oauth2-mock-server on 127.0.0.1, random port, for the end-to-end tests.
// Prints one JSON line (issuer and endpoint URLs) on stdout once listening,
// then serves until killed or until stdin closes.
//
// MODE (env) picks the behaviour:
//   plain (default)  plain OAuth 2.0: no id_token; /userinfo returns the user
//   oidc             a correct id_token (iss, aud=client, nonce echoed, claims)
//   wrong-signature  id_token signature bytes tampered
//   wrong-audience   id_token aud = "someone-else"
//   wrong-issuer     id_token iss = "http://evil.example"
//   wrong-nonce      id_token nonce = "not-the-nonce"
//   expired          id_token iat/exp in the past (exp an hour ago)
// The user comes from env SUBJECT, EMAIL, NAME, EMAIL_VERIFIED ("false" to unset).
//
// On top of the library (which checks nothing but the PKCE verifier when one
// is sent), the hooks below make the token endpoint strict like a real
// provider: client authentication (pactum / pactum-secret, basic or post),
// codes known and single-use, redirect_uri equal to the one at /authorize,
// code_verifier required whenever a code_challenge was sent; and /userinfo
// wants a Bearer access token that this server issued.

import { createServer } from 'node:http';

import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

const MODES = new Set(['plain', 'oidc', 'wrong-signature', 'wrong-audience', 'wrong-issuer', 'wrong-nonce', 'expired']);
const MODE = process.env.MODE || 'plain';
if (!MODES.has(MODE)) {
  console.error(`oauth2.mjs: unknown MODE ${JSON.stringify(MODE)}; one of ${[...MODES].join(', ')}`);
  process.exit(2);
}

const CLIENT_ID = 'pactum';
const CLIENT_SECRET = 'pactum-secret';
const USER = {
  sub: process.env.SUBJECT || 'plain-user-1',
  email: process.env.EMAIL || 'plain@example.test',
  email_verified: process.env.EMAIL_VERIFIED !== 'false',
  name: process.env.NAME || 'Plain User',
};

/** Issued codes: code -> what /authorize was asked (until redeemed). */
const codes = new Map();
/** Access tokens handed out by /token. */
const accessTokens = new Set();

const issuer = new OAuth2Issuer();
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer);

service.on('beforeAuthorizeRedirect', ({ url }, req) => {
  const code = url.searchParams.get('code');
  // The library also takes the "plain" PKCE method; this peer is S256-only.
  // (The URL object is mutated in place: that is the one being redirected to.)
  if (code && req.query.code_challenge && req.query.code_challenge_method !== 'S256') {
    url.searchParams.delete('code');
    url.searchParams.set('error', 'invalid_request');
    url.searchParams.set('error_description', 'code_challenge_method must be S256');
    return;
  }
  if (code) {
    codes.set(code, {
      clientId: req.query.client_id,
      redirectUri: req.query.redirect_uri,
      codeChallenge: req.query.code_challenge,
    });
  }
});

function isIdToken(token) {
  // The library builds the access token with a `scope` claim and the
  // id_token without one (but with `aud` = the client).
  return !('scope' in token.payload);
}

service.on('beforeTokenSigning', (token) => {
  const now = Math.floor(Date.now() / 1000);
  if (!isIdToken(token)) {
    token.payload.sub = USER.sub;
    return;
  }
  // The library already set iss, aud (the authenticated client), iat, exp and
  // the nonce sent to /authorize for this code.
  Object.assign(token.payload, USER);
  switch (MODE) {
    case 'wrong-audience':
      token.payload.aud = 'someone-else';
      break;
    case 'wrong-issuer':
      token.payload.iss = 'http://evil.example';
      break;
    case 'wrong-nonce':
      token.payload.nonce = 'not-the-nonce';
      break;
    case 'expired':
      token.payload.iat = now - 3600 - 300;
      token.payload.nbf = now - 3600 - 300;
      token.payload.exp = now - 3600;
      break;
    default:
  }
});

function tamperSignature(jwt) {
  const [header, payload, signature] = jwt.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[bytes.length >> 1] ^= 0x5a;
  return [header, payload, bytes.toString('base64url')].join('.');
}

function clientCredentials(req) {
  const [scheme, encoded] = (req.headers.authorization || '').split(' ');
  if (scheme?.toLowerCase() === 'basic' && encoded) {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // RFC 6749 section 2.3.1: both parts are form-urlencoded first.
    const decode = (v) => decodeURIComponent(v.replace(/\+/g, '%20'));
    try {
      return {
        id: decode(decoded.slice(0, colon)),
        secret: colon < 0 ? undefined : decode(decoded.slice(colon + 1)),
        both: req.body.client_secret !== undefined,
      };
    } catch {
      return {};
    }
  }
  return { id: req.body.client_id, secret: req.body.client_secret, both: false };
}

service.on('beforeResponse', (response, req) => {
  const fail = (statusCode, error, description) => {
    response.statusCode = statusCode;
    response.body = { error, error_description: description };
  };
  if (response.statusCode !== 200) return;

  const client = clientCredentials(req);
  if (client.both) return fail(400, 'invalid_request', 'client authentication must use one method');
  if (client.id !== CLIENT_ID || client.secret !== CLIENT_SECRET) {
    return fail(401, 'invalid_client', 'client authentication failed');
  }
  if (req.body.grant_type !== 'authorization_code') {
    return fail(400, 'unsupported_grant_type', 'only authorization_code');
  }
  const issued = codes.get(req.body.code);
  codes.delete(req.body.code);
  if (!issued) return fail(400, 'invalid_grant', 'unknown or already used code');
  if (issued.clientId !== undefined && issued.clientId !== client.id) {
    return fail(400, 'invalid_grant', 'code issued to another client');
  }
  if (issued.redirectUri !== req.body.redirect_uri) {
    return fail(400, 'invalid_grant', 'redirect_uri mismatch');
  }
  if (issued.codeChallenge && !req.body.code_verifier) {
    return fail(400, 'invalid_grant', 'code_verifier required');
  }

  const body = response.body;
  delete body.refresh_token;
  if (MODE === 'plain') delete body.id_token;
  if (MODE === 'wrong-signature') body.id_token = tamperSignature(body.id_token);
  accessTokens.add(body.access_token);
});

service.on('beforeUserinfo', (response, req) => {
  const [scheme, token] = (req.headers.authorization || '').split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !accessTokens.has(token)) {
    response.statusCode = 401;
    response.body = { error: 'invalid_token', error_description: 'unknown or missing bearer token' };
    return;
  }
  response.body = { ...USER };
});

function discovery(base) {
  return {
    issuer: base,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/userinfo`,
    jwks_uri: `${base}/jwks`,
    scopes_supported: ['openid', 'email', 'profile'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nonce', 'email', 'email_verified', 'name'],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
  };
}

const server = createServer((req, res) => {
  // The library's discovery document advertises token endpoint auth "none"
  // and "plain" PKCE; serve one that matches what the hooks above enforce.
  if (req.method === 'GET' && req.url.split('?')[0] === '/.well-known/openid-configuration') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(discovery(issuer.url)));
    return;
  }
  service.requestHandler(req, res);
});
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '127.0.0.1', resolve);
});
// The library would call 127.0.0.1 "localhost"; the tests want the address.
issuer.url = `http://127.0.0.1:${server.address().port}`;

process.stdout.write(`${JSON.stringify({
  issuer: issuer.url,
  authorize_url: `${issuer.url}/authorize`,
  token_url: `${issuer.url}/token`,
  userinfo_url: `${issuer.url}/userinfo`,
  jwks_url: `${issuer.url}/jwks`,
  mode: MODE,
})}\n`);

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
