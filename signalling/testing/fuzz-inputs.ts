import fc from 'fast-check';
import type { RawRequest } from './raw-http';

/**
 * Generators of what a hostile client can send: HTTP requests, socket events, raw Socket.IO
 * frames and handshakes. Values the server must recognise (a real room, a real peer) are
 * placeholders here and filled in at send time, since they exist only once a server runs.
 */

/** Printable ASCII: what Node lets a client put in a header value. */
const printable = (max: number) => fc.stringMatching(new RegExp(`^[ -~]{0,${max}}$`));
/** Printable ASCII without spaces: what Node lets a client put in a request path. */
const pathChars = (max: number) => fc.stringMatching(new RegExp(`^[!-~]{0,${max}}$`));

export interface HttpTargets {
  /** A room the fuzzing account hosts. */
  roomId: string;
  /** Another such room, the one a DELETE may close (so PIN rotation stays possible). */
  closableRoomId: string;
  /** `lc_session=…` of a live session. */
  cookie: string;
  /** `lc_session=…` of a session that was signed out. */
  revokedCookie: string;
  origin: string;
}

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

const awkwardSegment = fc.oneof(
  fc.string({ maxLength: 30 }).map(encodeURIComponent),
  pathChars(30),
  fc.constantFrom(
    '%',
    '%ZZ',
    '%E0%A4%A',
    '..',
    '%2e%2e',
    '%00',
    'abc-defg-hjk%00',
    '__proto__',
    'constructor',
    'zzz-zzzz-zzz',
    'ABC-DEFG-HJK',
  ),
);

const awkwardPath = fc.constantFrom(
  '/../../../etc/passwd',
  '/assets/../../../../etc/passwd',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/..%5c..%5cetc%5cpasswd',
  '/api/rooms/..%2f..%2f..%2fetc%2fpasswd',
  '//api//rooms',
  '/api/rooms?x=1&x=2',
  '/api/health?__proto__[a]=1',
  '/index.html/..',
  '/socket.io/?EIO=3&transport=polling',
  '/socket.io/?EIO=4&transport=websocket',
  '/socket.io/?EIO=4&transport=polling&sid=nope',
);

/** The API's own routes, each with its own method, against the real rooms. */
function routes(t: HttpTargets): fc.Arbitrary<{ method: string; path: string }> {
  return fc.constantFrom(
    { method: 'POST', path: '/api/auth/register' },
    { method: 'POST', path: '/api/auth/login' },
    { method: 'POST', path: '/api/auth/logout' },
    { method: 'GET', path: '/api/auth/me' },
    { method: 'POST', path: '/api/rooms' },
    { method: 'GET', path: '/api/rooms' },
    { method: 'DELETE', path: `/api/rooms/${t.closableRoomId}` },
    { method: 'POST', path: `/api/rooms/${t.roomId}/pin` },
    { method: 'GET', path: '/api/ice' },
    { method: 'GET', path: '/api/health' },
  );
}

const httpBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.anything().map((v) => JSON.stringify(v) ?? ''),
  fc
    .record(
      {
        username: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.-]{3,32}$/), fc.anything()),
        password: fc.oneof(fc.string({ minLength: 8, maxLength: 20 }), fc.anything()),
        name: fc.oneof(fc.string({ maxLength: 100 }), fc.anything()),
      },
      { requiredKeys: [] },
    )
    .map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '[',
    'null',
    '"x"',
    ' ',
    '{"__proto__":{"admin":true}}',
    '{"constructor":{"prototype":{"admin":true}}}',
    'x'.repeat(20_000),
    `{"name":"${'a'.repeat(17_000)}"}`,
  ),
);

/** `arbitrary` in one draw out of `1 + rarely`, undefined otherwise. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, rarely: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: rarely, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
}

/**
 * Half of the requests look like our own client's (its method, a live session, our Origin,
 * JSON) so they reach the handlers' own checks; the rest are anything at all.
 */
export function httpRequests(t: HttpTargets): fc.Arbitrary<RawRequest> {
  const plausible = fc.record({
    target: routes(t),
    cookie: fc.constantFrom(t.cookie, undefined),
    origin: fc.constantFrom(t.origin, undefined),
    contentType: fc.constantFrom('application/json', undefined),
    encoding: fc.constant(undefined),
    body: fc.option(httpBody, { nil: undefined }),
  });
  const target = fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(routes(t), sometimes(fc.constantFrom(...METHODS), 2))
        .map(([r, other]) => ({ method: other ?? r.method, path: r.path })),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        method: fc.constantFrom(...METHODS),
        path: fc
          .tuple(
            fc.constantFrom(
              '/api/rooms/',
              '/api/auth/',
              '/api/',
              '/',
              '/assets/',
              '/room/',
              '/socket.io/?EIO=4&transport=polling&',
            ),
            awkwardSegment,
            fc.constantFrom('', '/pin', '/', '?x=1'),
          )
          .map((parts) => parts.join('')),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ method: fc.constantFrom(...METHODS), path: awkwardPath }),
    },
  );
  const cookie = fc.oneof(
    { weight: 3, arbitrary: fc.constant(t.cookie) },
    fc.constantFrom(
      t.revokedCookie,
      `${t.cookie}; lc_session=junk`,
      'lc_session=',
      'lc_session=%zz',
    ),
    fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((s) => `lc_session=${s}`),
    printable(80),
  );
  const origin = fc.oneof(
    { weight: 2, arbitrary: fc.constant(t.origin) },
    fc.constantFrom('https://evil.example', 'null', `${t.origin}.evil.example`),
    printable(40),
  );
  const contentType = fc.oneof(
    { weight: 2, arbitrary: fc.constant('application/json') },
    fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/vnd.api+json',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ),
    printable(40),
  );
  const encoding = fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip');
  const anything = fc.record({
    target,
    cookie: sometimes(cookie, 1),
    origin: sometimes(origin, 1),
    contentType: sometimes(contentType, 1),
    encoding: sometimes(encoding, 8),
    body: sometimes(httpBody, 1),
  });
  return fc
    .oneof(plausible, anything)
    .map(({ target, cookie, origin, contentType, encoding, body }) => {
      const headers: Record<string, string> = {};
      // A sign-out would end the session the rest of the run fuzzes with.
      if (
        cookie !== undefined &&
        !(target.path === '/api/auth/logout' && cookie.includes(t.cookie))
      )
        headers.cookie = cookie;
      if (origin !== undefined) headers.origin = origin;
      if (contentType !== undefined) headers['content-type'] = contentType;
      if (encoding !== undefined) headers['content-encoding'] = encoding;
      return { method: target.method, path: target.path, headers, body };
    });
}

/** Filled in at send time with the real room's ID and PIN, or a member's peerId. */
export const REAL_ROOM = Symbol('real room');
export const MEMBER = 'MEMBER_PEER_ID';

export const CLIENT_EVENTS = ['room:join', 'room:leave', 'room:remove', 'signal'] as const;

/** socket.io-client refuses to emit these, so a client cannot send them as events. */
export const CLIENT_RESERVED = new Set([
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
]);

const idLike = fc.oneof(
  fc.constantFrom('abc-defg-hjk', 'zzz-zzzz-zzz', '', '__proto__', 'constructor', MEMBER),
  fc.string({ maxLength: 40 }),
);
const pinLike = fc.oneof(fc.stringMatching(/^\d{6}$/), fc.string({ maxLength: 10 }), fc.integer());

const signalLike = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom('offer', 'answer', 'pranswer', 'rollback', 'x'),
      sdp: fc.oneof(fc.string({ maxLength: 100 }), fc.anything()),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      type: fc.constant('candidate'),
      candidate: fc.oneof(
        fc.anything(),
        fc.record(
          {
            candidate: fc.oneof(fc.string({ maxLength: 60 }), fc.anything()),
            sdpMLineIndex: fc.oneof(fc.integer(), fc.anything()),
            sdpMid: fc.oneof(fc.string({ maxLength: 5 }), fc.anything()),
            usernameFragment: fc.anything(),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.record({ type: fc.constant('renegotiate'), renegotiate: fc.anything() }),
  fc.record({
    type: fc.constant('transceiverRequest'),
    transceiverRequest: fc.oneof(
      fc.anything(),
      fc.record(
        { kind: fc.constantFrom('audio', 'video', 'x'), init: fc.anything() },
        { requiredKeys: [] },
      ),
    ),
  }),
  fc.anything(),
);

/** Signals our schema accepts, so relays to a real member happen too. */
const wellFormedSignal = fc.oneof(
  fc.record({
    type: fc.constantFrom('offer', 'answer', 'pranswer', 'rollback'),
    sdp: fc.string({ maxLength: 200 }),
  }),
  fc.record({
    type: fc.constant('candidate'),
    candidate: fc.record(
      {
        candidate: fc.string({ maxLength: 100 }),
        sdpMLineIndex: fc.option(fc.nat(1024), { nil: null }),
        sdpMid: fc.option(fc.string({ maxLength: 64 }), { nil: null }),
        usernameFragment: fc.string({ maxLength: 20 }),
      },
      { requiredKeys: ['candidate'] },
    ),
  }),
  fc.constant({ type: 'renegotiate', renegotiate: true }),
  fc.record({
    type: fc.constant('transceiverRequest'),
    transceiverRequest: fc.record({ kind: fc.constantFrom('audio', 'video') }),
  }),
);

const socketPayload = fc.oneof(
  fc.anything(),
  fc.jsonValue(),
  fc.uint8Array({ maxLength: 64 }),
  { weight: 2, arbitrary: fc.constant(REAL_ROOM) },
  fc.record({ roomId: idLike, pin: pinLike }, { requiredKeys: [] }),
  fc.record({ to: idLike, data: signalLike }, { requiredKeys: [] }),
  fc.record({ peerId: idLike }, { requiredKeys: [] }),
  {
    weight: 3,
    arbitrary: fc.record({ to: fc.constantFrom(MEMBER, 'nobody'), data: wellFormedSignal }),
  },
);

export interface SocketInput {
  event: string;
  args: unknown[];
  withAck: boolean;
}

export const socketInputs: fc.Arbitrary<SocketInput> = fc.record({
  event: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...CLIENT_EVENTS) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'peer:joined',
        'room:closed',
        'server:error',
        'error',
        '__proto__',
        'constructor',
        'toString',
        'signal ',
        'room:join\u0000',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  ),
  args: fc.array(socketPayload, { maxLength: 3 }),
  withAck: fc.boolean(),
});

/** Engine.IO message frames: Socket.IO packets gone wrong, or not Socket.IO at all. */
export const rawFrames: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc
    .tuple(
      fc.constantFrom('0', '1', '2', '3', '4', '5', '6', '7'),
      fc.oneof(
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 40 }),
      ),
    )
    .map(([type, rest]) => type + rest),
  fc
    .tuple(
      fc.constantFrom('2', '3', '5', '6'),
      fc.option(fc.nat(), { nil: undefined }),
      fc.constantFrom(...CLIENT_EVENTS, ...CLIENT_RESERVED, 'error', 7),
      fc.array(fc.jsonValue(), { maxLength: 3 }),
    )
    .map(([type, id, event, args]) => `${type}${id ?? ''}${JSON.stringify([event, ...args])}`),
  fc.constantFrom(
    '2["disconnect"]',
    '2["disconnecting"]',
    '2["newListener","room:join"]',
    '0/admin,',
    '0/',
    '1',
    '21["room:join"]',
    '51-["signal",{"_placeholder":true,"num":0}]',
    '59999-["signal"]',
    '2["room:join",{"roomId":{"_placeholder":true,"num":0}}]',
    '2[null]',
    '2[1]',
    '2{}',
    '3999[]',
    '2/admin,["room:join"]',
    '4"boom"',
  ),
  fc.uint8Array({ maxLength: 40 }),
);

export interface HandshakeInput {
  origin: string | null;
  cookie: string | undefined;
}

/** `own` and `cookie` stand for the server's origin and a live session. */
export function handshakes(own: string, cookie: string): fc.Arbitrary<HandshakeInput> {
  return fc.record({
    origin: fc.oneof(
      fc.constantFrom(own, own.replace('127.0.0.1', 'localhost'), null),
      fc.constantFrom('https://evil.example', 'null', `${own}.evil.example`, `${own}/`),
      printable(40),
    ),
    cookie: fc.oneof(
      fc.constantFrom(cookie, undefined, `${cookie}; lc_session=junk`, 'lc_session='),
      printable(60),
    ),
  });
}
