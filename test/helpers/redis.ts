import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { findExecutable, freePort, poll } from './prometheus.js';

/** Set to `1` (CI does) to make a missing `redis-server` fail the Redis tests instead of skipping them. */
export const REQUIRE_REDIS_VARIABLE = 'ZETA_REQUIRE_REDIS';

/** Whether a missing Redis must fail the test (`ZETA_REQUIRE_REDIS=1`, set by CI). */
export function redisRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[REQUIRE_REDIS_VARIABLE];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** Debian's `redis-server` binary, if installed. */
export const redisServerBinary =
  findExecutable('redis-server') ?? findExecutable('redis-server', '/usr/bin:/usr/sbin');

/**
 * Whether the Redis tests can run: true with a binary; without one, false with one clear line
 * (or an error when {@link redisRequired}).
 */
export function redisAvailable(what: string): boolean {
  if (redisServerBinary !== undefined) return true;
  const reason = 'no redis-server on PATH; install it with `apt-get install redis-server`';
  if (redisRequired())
    throw new Error(`${reason}; ${REQUIRE_REDIS_VARIABLE} is set, so Redis is required`);
  console.warn(`${what} skipped: ${reason}`);
  return false;
}

/** Sends PING over a raw socket; resolves true on +PONG. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')));
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}

/** A redis-server the test started on a loopback port: no persistence, so a restart is empty. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops it (SIGKILL: a crash, no goodbye). Resolves once the process is gone. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty). */
  start(): Promise<void>;
}

export async function startRedis(port?: number): Promise<RedisServer> {
  const p = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const server: RedisServer = {
    port: p,
    url: `redis://127.0.0.1:${p}`,
    async start() {
      child = spawn(
        redisServerBinary!,
        ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      try {
        await poll(
          `redis-server on port ${p}`,
          async () => ((await ping(p)) ? true : undefined),
          10_000,
          20,
        );
      } catch (error) {
        // Never answered: do not leave it running behind the caller's back.
        await server.stop();
        throw error;
      }
    },
    async stop() {
      const c = child;
      child = undefined;
      if (c === undefined || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGKILL');
      });
    },
  };
  await server.start();
  return server;
}

/**
 * The run's Redis (`ZETA_REDIS_URL`, started by CI) when set, else one of the test's own. Only for
 * tests that leave the server running; `stop()` stops only a server the test started.
 */
export async function sharedRedis(): Promise<{ readonly url: string; stop(): Promise<void> }> {
  const url = process.env['ZETA_REDIS_URL'];
  if (url !== undefined && url !== '') return { url, stop: async () => undefined };
  const own = await startRedis();
  return { url: own.url, stop: () => own.stop() };
}
