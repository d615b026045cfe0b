// An OpenAI-compatible model server, in the manner of vLLM or llama.cpp's server, for the tests and
// `npm run demo -- --http`: real HTTP on 127.0.0.1, bounded concurrency with its own queue, a
// configurable speed, 503 when the queue is full, SSE streaming, vLLM's /metrics names, and knobs
// to misbehave. No dependencies.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Options of {@link startOpenAIServer}. */
export interface OpenAIServerOptions {
  /** Names the server in answers (`content` starts with it) and in `/metrics` labels. @default 'server' */
  readonly name?: string;
  /** Requests generating at once. @default 1 */
  readonly concurrency?: number;
  /** Requests waiting for a slot; one more is answered 503. @default Infinity */
  readonly maxQueue?: number;
  /** The `Retry-After` header value sent with a queue-full 503, if any (e.g. `'2'` or an HTTP date). */
  readonly retryAfter?: string;
  /** Milliseconds per output token. @default 0 */
  readonly msPerToken?: number;
  /** Milliseconds before the first token of every request. @default 0 */
  readonly overheadMs?: number;
  /** Output tokens when the request sets no `max_tokens` / `max_completion_tokens`. @default 4 */
  readonly outputTokens?: number;
  /** Dimensions of an embedding. @default 4 */
  readonly dimensions?: number;
}

/** A way for the next request to misbehave (see {@link OpenAIServer.misbehave}). */
export type Misbehaviour =
  /** Answer at once with this status (e.g. 429), these headers and an OpenAI-style error body. */
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Once it has a slot, destroy the socket without answering. */
  | { readonly kind: 'destroy' }
  /** Once it has a slot, answer 200 with a JSON content type and a body that is not JSON. */
  | { readonly kind: 'malformed-json' }
  /** For a streamed request: destroy the socket after this many chunks. */
  | { readonly kind: 'cut-stream'; readonly afterChunks: number }
  /** For a streamed request: send this many chunks, then the rest only after {@link OpenAIServer.release}. */
  | { readonly kind: 'pause-stream'; readonly afterChunks: number }
  /** Once it has a slot, never answer (the slot is held until the client goes away). */
  | { readonly kind: 'hang' };

/** What happened to one request, in arrival order. */
export interface ServedRequest {
  readonly path: string;
  readonly body: unknown;
  /** How it ended; `'open'` while it has not. */
  outcome: 'open' | 'ok' | 'rejected' | 'full' | 'misbehaved' | 'client-closed';
}

/** A running test server. */
export interface OpenAIServer {
  readonly name: string;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `url + '/v1'`: what the `openai` client takes as `baseURL`. */
  readonly baseURL: string;
  /** Every request, in arrival order. */
  readonly requests: readonly ServedRequest[];
  /** Requests generating now. */
  readonly running: number;
  /** Requests waiting for a slot. */
  readonly waiting: number;
  /** Requests answered 200 in full. */
  readonly served: number;
  /** Requests whose client closed the connection before the answer was complete. */
  readonly clientClosed: number;
  /** The next requests misbehave, one misbehaviour each, in order. */
  misbehave(...faults: Misbehaviour[]): void;
  /** Holds every request that has a slot until {@link release} (for deterministic load). */
  hold(): void;
  /** Lets held requests go on, and paused streams (`pause-stream`) send the rest. */
  release(): void;
  /** Closes the server and every connection, and drops every timer. */
  close(): Promise<void>;
}

interface Job {
  readonly entry: ServedRequest;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly body: Record<string, unknown>;
  readonly fault: Misbehaviour | undefined;
  running: boolean;
  done: boolean;
  timer: NodeJS.Timeout | undefined;
  /** Chunks a `pause-stream` sends before it waits for `release()` (Infinity once released). */
  pauseAt: number;
  /** Goes on with a paused stream. */
  resume: (() => void) | undefined;
}

const estimateTokens = (value: unknown): number =>
  Math.max(1, Math.ceil(JSON.stringify(value ?? '').length / 4));

/** Starts a server on 127.0.0.1, port 0. */
export async function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<OpenAIServer> {
  const name = options.name ?? 'server';
  const concurrency = options.concurrency ?? 1;
  const maxQueue = options.maxQueue ?? Number.POSITIVE_INFINITY;
  const msPerToken = options.msPerToken ?? 0;
  const overheadMs = options.overheadMs ?? 0;
  const defaultTokens = options.outputTokens ?? 4;
  const dimensions = options.dimensions ?? 4;
  const requests: ServedRequest[] = [];
  const faults: Misbehaviour[] = [];
  const queue: Job[] = [];
  const active = new Set<Job>();
  let held = false;
  let served = 0;
  let clientClosed = 0;
  let nextId = 1;

  const sendJson = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };
  const sendError = (
    res: ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ) =>
    sendJson(
      res,
      status,
      {
        error: {
          message,
          type: status === 400 ? 'BadRequestError' : 'Error',
          param: null,
          code: status,
        },
      },
      headers,
    );

  /** Ends `job`, frees its slot and starts the next waiting job. */
  const finish = (job: Job, outcome: ServedRequest['outcome']) => {
    if (job.done) return;
    job.done = true;
    if (job.timer !== undefined) clearTimeout(job.timer);
    job.entry.outcome = outcome;
    if (outcome === 'ok') served++;
    if (outcome === 'client-closed') clientClosed++;
    if (active.delete(job)) pump();
    else {
      const at = queue.indexOf(job);
      if (at >= 0) queue.splice(at, 1);
    }
  };

  const pump = () => {
    while (active.size < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      active.add(job);
      job.running = true;
      if (!held) run(job);
    }
  };

  const run = (job: Job) => {
    const { res, body, fault } = job;
    if (fault?.kind === 'destroy') {
      job.req.socket.destroy();
      finish(job, 'misbehaved');
      return;
    }
    if (fault?.kind === 'hang') return; // holds the slot until the client goes away
    if (fault?.kind === 'malformed-json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"id": "chatcmpl-1", "choices": [ {"message": ');
      finish(job, 'misbehaved');
      return;
    }
    const chat = job.entry.path === '/v1/chat/completions';
    const maxTokens = body['max_completion_tokens'] ?? body['max_tokens'];
    const tokens = chat ? (typeof maxTokens === 'number' ? maxTokens : defaultTokens) : 0;
    if (chat && body['stream'] === true) {
      stream(job, tokens);
      return;
    }
    job.timer = setTimeout(
      () => {
        job.timer = undefined;
        sendJson(res, 200, chat ? completion(body, tokens) : embedding(body));
        finish(job, 'ok');
      },
      overheadMs + tokens * msPerToken,
    );
  };

  const words = (tokens: number) => Array.from({ length: tokens }, (_, i) => `t${i}`);

  const completion = (body: Record<string, unknown>, tokens: number) => {
    const prompt = estimateTokens(body['messages']);
    return {
      id: `chatcmpl-${name}-${nextId++}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body['model'],
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: [name, ...words(tokens)].join(' ') },
          finish_reason: 'length',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: prompt, completion_tokens: tokens, total_tokens: prompt + tokens },
    };
  };

  const embedding = (body: Record<string, unknown>) => {
    const input = body['input'];
    const inputs = Array.isArray(input) && typeof input[0] !== 'number' ? input : [input];
    const base64 = body['encoding_format'] === 'base64';
    const data = inputs.map((_item, index) => {
      const vector = Array.from({ length: dimensions }, (_, i) => (index + 1) / (i + 1));
      const encoded = base64
        ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
        : vector;
      return { object: 'embedding', index, embedding: encoded };
    });
    const prompt = estimateTokens(input);
    return {
      object: 'list',
      model: body['model'],
      data,
      usage: { prompt_tokens: prompt, total_tokens: prompt },
    };
  };

  const stream = (job: Job, tokens: number) => {
    const { res, body } = job;
    const id = `chatcmpl-${name}-${nextId++}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: object, finish: string | null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body['model'],
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
    const events: object[] = [chunk({ role: 'assistant', content: name }, null)];
    for (const word of words(tokens)) events.push(chunk({ content: ` ${word}` }, null));
    events.push(chunk({}, 'length'));
    const options = body['stream_options'] as { include_usage?: boolean } | undefined;
    if (options?.include_usage === true) {
      const prompt = estimateTokens(body['messages']);
      events.push({
        id,
        object: 'chat.completion.chunk',
        created,
        model: body['model'],
        choices: [],
        usage: { prompt_tokens: prompt, completion_tokens: tokens, total_tokens: prompt + tokens },
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const cutAt =
      job.fault?.kind === 'cut-stream' ? job.fault.afterChunks : Number.POSITIVE_INFINITY;
    let sent = 0;
    const next = () => {
      job.timer = undefined;
      if (sent >= cutAt) {
        job.req.socket.destroy();
        finish(job, 'misbehaved');
        return;
      }
      if (sent >= job.pauseAt) {
        job.pauseAt = Number.POSITIVE_INFINITY;
        job.resume = next;
        return;
      }
      if (sent === events.length) {
        res.end('data: [DONE]\n\n');
        finish(job, 'ok');
        return;
      }
      res.write(`data: ${JSON.stringify(events[sent++])}\n\n`);
      job.timer = setTimeout(next, sent === 1 ? overheadMs : msPerToken);
    };
    next();
  };

  const metrics = () => {
    const label = `{model_name="${name}"}`;
    const cpu = process.cpuUsage();
    return [
      '# HELP vllm:num_requests_running Number of requests in model execution batches.',
      '# TYPE vllm:num_requests_running gauge',
      `vllm:num_requests_running${label} ${active.size}`,
      '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
      '# TYPE vllm:num_requests_waiting gauge',
      `vllm:num_requests_waiting${label} ${queue.length}`,
      '# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.',
      '# TYPE vllm:kv_cache_usage_perc gauge',
      `vllm:kv_cache_usage_perc${label} ${active.size / concurrency}`,
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes ${process.memoryUsage().rss}`,
      '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
      '# TYPE process_cpu_seconds_total counter',
      `process_cpu_seconds_total ${(cpu.user + cpu.system) / 1e6}`,
      '',
    ].join('\n');
  };

  const handle = (req: IncomingMessage, res: ServerResponse, text: string) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(metrics());
      return;
    }
    const chat = path === '/v1/chat/completions';
    if (req.method !== 'POST' || (!chat && path !== '/v1/embeddings')) {
      sendError(res, 404, `no route ${req.method} ${path}`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const entry: ServedRequest = { path, body, outcome: 'open' };
    requests.push(entry);
    const b = body as Record<string, unknown> | undefined;
    const problem =
      typeof b !== 'object' || b === null || Array.isArray(b)
        ? 'the body must be a JSON object'
        : typeof b['model'] !== 'string'
          ? '`model` must be a string'
          : chat && !Array.isArray(b['messages'])
            ? '`messages` must be an array'
            : !chat && b['input'] === undefined
              ? '`input` is required'
              : undefined;
    if (problem !== undefined) {
      entry.outcome = 'rejected';
      sendError(res, 400, problem);
      return;
    }
    const fault = faults.shift();
    if (fault?.kind === 'status') {
      entry.outcome = fault.status === 400 ? 'rejected' : 'misbehaved';
      sendError(res, fault.status, `${name} says ${fault.status}`, { ...fault.headers });
      return;
    }
    if (active.size >= concurrency && queue.length >= maxQueue) {
      entry.outcome = 'full';
      const headers: Record<string, string> =
        options.retryAfter === undefined ? {} : { 'retry-after': options.retryAfter };
      sendError(res, 503, `${name}: the queue is full (${queue.length} waiting)`, headers);
      return;
    }
    const job: Job = {
      entry,
      req,
      res,
      body: b as Record<string, unknown>,
      fault,
      running: false,
      done: false,
      timer: undefined,
      pauseAt: fault?.kind === 'pause-stream' ? fault.afterChunks : Number.POSITIVE_INFINITY,
      resume: undefined,
    };
    // The client went away before the answer was complete: free the slot at once.
    res.on('close', () => {
      if (!res.writableFinished) finish(job, 'client-closed');
    });
    queue.push(job);
    pump();
  };

  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (part: Buffer) => parts.push(part));
    req.on('end', () => handle(req, res, Buffer.concat(parts).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    name,
    url,
    baseURL: `${url}/v1`,
    requests,
    get running() {
      return active.size;
    },
    get waiting() {
      return queue.length;
    },
    get served() {
      return served;
    },
    get clientClosed() {
      return clientClosed;
    },
    misbehave(...more) {
      faults.push(...more);
    },
    hold() {
      held = true;
    },
    release() {
      held = false;
      for (const job of active) {
        // A stream not paused yet will not pause; a paused one goes on.
        job.pauseAt = Number.POSITIVE_INFINITY;
        const resume = job.resume;
        job.resume = undefined;
        if (job.done) continue;
        if (resume !== undefined) resume();
        else if (job.timer === undefined) run(job);
      }
    },
    close() {
      for (const job of [...active, ...queue]) {
        if (job.timer !== undefined) clearTimeout(job.timer);
        job.done = true;
      }
      active.clear();
      queue.length = 0;
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
