import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ServerProcess, startServer } from '../../signalling/testing/server-process';

/** The real server with the built client, on a lowdb file of its own, for the browser benchmarks. */
export interface BenchServer {
  server: ServerProcess;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

export async function startBenchServer(name: string): Promise<BenchServer> {
  const work = mkdtempSync(join(tmpdir(), `lc-bench-${name}-`));
  try {
    const server = await startServer({
      DATA_DIR: work,
      // Sign-ups are set-up here, not what is measured.
      BCRYPT_COST: '10',
      STATIC_DIR: 'dist/client',
      // Every browser of a benchmark connects from 127.0.0.1.
      CONNECTIONS_PER_IP: '1000',
    });
    return {
      server,
      async stop() {
        await server.stop();
        rmSync(work, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
