import http from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent as is: no normalisation of `..`, `%` or `//`, unlike fetch. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

/**
 * One HTTP request over a shared keep-alive agent, exactly as a hostile client would write it.
 * The body always has a Content-Length: Node sends a GET's body unframed otherwise, and the
 * server would read it as the next request.
 */
export function rawRequest(base: URL, agent: http.Agent, req: RawRequest): Promise<RawResponse> {
  const headers = { ...req.headers };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.path,
        headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'] ?? '',
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}
