import http from 'node:http';

/**
 * The floor for bench/abuse/floor.ts: a server that does no work at all. It reads each request
 * and answers what the real server answers a flood once its limits are spent (409 for rooms,
 * 429 for sign-ins, 400 for a cookie-less handshake) and 200 to /api/health, with no express,
 * no store, no limiter and no bcrypt. What a flood still costs the rightful client here is the
 * machine's (two cores shared by the attacker, the client and the server), not the server's.
 */
const reply = (res: http.ServerResponse, status: number, body: object): void => {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.url === '/api/health') reply(res, 200, { ok: true });
    else if (req.url === '/api/auth/register') {
      res.setHeader('set-cookie', 'lc_session=floor; Path=/; HttpOnly');
      reply(res, 201, { user: { id: 'floor', username: 'floor' } });
    } else if (req.url === '/api/rooms') reply(res, 409, { error: { code: 'too_many_rooms' } });
    else reply(res, 429, { error: { code: 'rate_limited' } });
  });
});
server.on('upgrade', (_req, socket) => {
  socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (typeof address === 'object' && address !== null) {
    console.log(`floor listening on http://127.0.0.1:${address.port}`);
  }
});
