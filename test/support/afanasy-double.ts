/**
 * A stand-in for afserver 3.4.1 (CGRU), modelled on reference/afanasy-protocol.md and the server source it
 * cites. It is a real TCP server on 127.0.0.1 and behaves like the real one, failure modes included:
 *
 * - Only the text-header form `AFANASY <N> JSON{...}` is served. The header is parsed from the FIRST chunk
 *   only (at least 12 bytes, `AFANASY` any case, sscanf'd length, case-sensitive `JSON`, then everything up
 *   to the first `{` skipped). A first chunk that ends before `JSON` is dropped without a reply.
 *   N counts body bytes; fewer bytes than declared are waited for, more are ignored; a body cut short by a
 *   too-small N gets a JSON parse error reply. Binary-header and HTTP requests are not modelled (dropped).
 * - The reply is `AFANASY <M> JSON` + pretty-printed JSON. The server never closes first: it writes a
 *   single space every `paddingIntervalMs` until the client closes, giving up after `giveUpMs`.
 * - Every error is `{"info":{"kind":"error","text":...}}`: malformed JSON, unknown get type, a single bad
 *   id, an unknown operation, actions without user_name and host_name ("Invalid action."), unknown keys.
 * - A job it cannot accept (no user_name, no blocks, a block with no tasks, "job" not an object) "crashes"
 *   it like 3.4.1: the connection closes without a reply and further connections are refused until
 *   `restart()`. Jobs survive the restart (afserver keeps them in its store).
 * - System job id 1 "afanasy" (user afadmin) is always listed. Ids are the lowest free ones and are reused
 *   after deletion; serials only go up. Repeated names become x-1, x-2, ...
 * - State strings carry Afanasy's padding (" RDY", " RUN", " DON", " ERR", " OFF", " WDP") and `st` bits.
 *   Counters the real server omits when zero are omitted here too.
 * - Rendering is simulated: `tick()` (or `autoRunMs`) finishes running tasks and starts ready ones on
 *   `slots` render slots, honouring paused jobs, priority 0, max running tasks, depend masks and hosts
 *   masks. Commands are expanded like the server does (`@#@` -> first then last frame, `@###@` padded; task
 *   commands into the block's `@#@`). The default `runTask` understands `echo ...` and `exit N` separated
 *   by `;` or `&&`; anything else succeeds with no output. A failing task is retried `errors_retries` times
 *   (default 3, the CGRU default) and then stays in error, which puts " ERR" in the job state, unless the one
 *   render gives up on it first: after `avoidHostAfterErrors` (3) errors the task is back to ready for good.
 * - A task output reply (`farm log`) carries the job name unescaped, as 3.4.1 writes it: a name with `"` or
 *   `\` makes that reply invalid JSON.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';

// Afanasy state bits (include/afjob.h).
const READY = 1 << 0;
const RUNNING = 1 << 1;
const WAITDEP = 1 << 2;
const WAITTIME = 1 << 3;
const DONE = 1 << 4;
const ERROR = 1 << 5;
const SKIPPED = 1 << 8;
const OFFLINE = 1 << 9;

const STATE_TOKENS: [number, string][] = [
  [READY, 'RDY'], [RUNNING, 'RUN'], [DONE, 'DON'], [ERROR, 'ERR'], [SKIPPED, 'SKP'], [OFFLINE, 'OFF'],
  [WAITDEP, 'WDP'], [WAITTIME, 'WTM'],
];

const MAX_MESSAGE = 64 * 1024 * 1024;
const SYSTEM_JOB_ID = 1;
const JOB_OPERATIONS = new Set(['delete', 'start', 'pause', 'stop', 'restart', 'restart_errors', 'restart_running', 'restart_pause', 'reset_error_hosts']);
const ACTION_TYPES = new Set(['branches', 'monitors', 'jobs', 'pools', 'renders', 'users']);

type Obj = Record<string, unknown>;

export interface SimulatedTask {
  jobId: number;
  jobName: string;
  block: number;
  blockName: string;
  task: number;
  taskName: string;
  /** The command after frame / task substitution, as afrender would run it. */
  command: string;
  service: string;
  workingDirectory: string;
  /** 1 for the first run, 2 for the first retry, ... */
  start: number;
}

export interface TaskResult {
  exitCode: number;
  output: string;
}

export interface AfanasyDoubleOptions {
  /** Interval of the space bytes written after a reply while waiting for the client to close. Default 20 ms. */
  paddingIntervalMs?: number;
  /** How long the server waits for the client to close after replying. Default 10000 ms (like afserver). */
  giveUpMs?: number;
  /** Run `tick()` every this many ms. Off by default (tests call tick() themselves). */
  autoRunMs?: number;
  /** Render slots: tasks that can run at once across the farm. Default 4. */
  slots?: number;
  /** Host name reported for running tasks, matched against hosts masks. Default "render01". */
  renderHost?: string;
  /** Retries of a failing task when its block does not say (errors_retries -1). Default 3. */
  errorsRetries?: number;
  /**
   * What afserver 3.4.1 does on a farm of one render: after this many errors of a task on the render, the
   * render is avoided for that task, which goes back to ready (never to error) and never starts again.
   * Default 3, as measured on afserver 3.4.1; -1 never avoids it (then the task ends in error).
   */
  avoidHostAfterErrors?: number;
  /** Simulates afrender running one task. Default: see the module comment. */
  runTask?: (task: SimulatedTask) => TaskResult;
}

/** One connection as the double saw it. */
export interface DoubleRequest {
  /** The header text up to and including `JSON` (or the start of the first chunk when it was dropped). */
  header: string;
  /** The length declared in the header. */
  declaredLength?: number;
  /** Byte length of the first chunk received. */
  firstChunkBytes: number;
  /** The body as text (exactly declaredLength bytes, decoded as UTF-8). */
  bodyText?: string;
  /** The parsed body, when it was JSON. */
  body?: unknown;
  /** The reply object sent. */
  reply?: unknown;
  outcome: 'pending' | 'replied' | 'dropped' | 'crashed';
  /** Who closed the connection: the client (as it must) or the server (drop, crash, give-up). */
  closedBy?: 'client' | 'server';
  /** Space bytes written after the reply. */
  paddingBytes: number;
}

interface TaskState {
  st: number;
  starts: number;
  errors: number;
  /** The one render avoids this task (avoidHostAfterErrors). */
  avoided?: boolean;
  tst: number;
  tdn: number;
  host: string;
  /** Output of each start; index 0 is the first start. */
  outputs: string[];
}

interface BlockState {
  raw: Obj;
  name: string;
  service: string;
  parser: string;
  capacity: number;
  flags: number;
  numeric: boolean;
  frameFirst: number;
  frameLast: number;
  perTask: number;
  inc: number;
  tasks: { name: string; command: string }[] | undefined;
  tasksNum: number;
  command: string;
  errorsRetries: number;
  maxRunningTasks: number;
  hostsMask: string;
  timeStarted: number;
  timeDone: number;
  progress: TaskState[];
}

interface JobState {
  raw: Obj;
  id: number;
  serial: number;
  name: string;
  userName: string;
  hostName: string;
  priority: number;
  timeCreation: number;
  timeStarted: number;
  timeDone: number;
  offline: boolean;
  maxRunningTasks: number;
  dependMask: string;
  dependMaskGlobal: string;
  hostsMask: string;
  annotation: string;
  blocks: BlockState[];
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** rapidjson's IsInt64: only integral numbers count; strings and fractions are ignored. */
function int(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : fallback;
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function intList(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((v): v is number => typeof v === 'number' && Number.isSafeInteger(v)) : [];
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function stateString(st: number): string {
  return STATE_TOKENS.filter(([bit]) => st & bit).map(([, token]) => ` ${token}`).join('');
}

function errorInfo(text: string): Obj {
  return { info: { kind: 'error', text } };
}

/** Afanasy writes one member per line: `{\n"id":2,\n"serial":1\n}`. */
function formatReply(value: unknown): string {
  if (!isObject(value)) return JSON.stringify(value);
  const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`);
  return `{\n${members.join(',\n')}\n}`;
}

/** The first chunk's header, or null when the server would drop the connection. */
function parseRequestHeader(chunk: Buffer): { length: number; end: number; text: string } | null {
  if (chunk.length < 12) return null;
  const text = chunk.toString('latin1');
  if (text.slice(0, 7).toUpperCase() !== 'AFANASY') return null;
  const number = /^\s*([+-]?\d+)/.exec(text.slice(7));
  if (!number) return null;
  const length = Number(number[1]);
  if (length <= 0 || length > MAX_MESSAGE) return null;
  const marker = text.indexOf('JSON', 7 + number[0].length);
  if (marker < 0) return null;
  return { length, end: marker + 4, text: text.slice(0, marker + 4) };
}

/** A rapidjson-like parse error text: "<what> (at character N of M):\n". */
function parseErrorText(err: Error, text: string): string {
  const position = /position (\d+)/.exec(err.message);
  const at = position ? Number(position[1]) + 1 : text.length;
  const what = err.message.replace(/ in JSON at position.*$/s, '').replace(/^Unexpected end of JSON input$/, 'The document is incomplete.');
  return `${what} (at character ${at} of ${text.length}):\n`;
}

function pad(value: number, width: number): string {
  const digits = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${digits}` : digits;
}

/** afrender's substitution: the first @#..#@ gets the first frame, the second the last frame. */
function fillFrames(pattern: string, start: number, end: number): string {
  let n = 0;
  return pattern.replace(/@(#+)@/g, (match, hashes: string) => {
    n++;
    if (n === 1) return pad(start, hashes.length);
    if (n === 2) return pad(end, hashes.length);
    return match;
  });
}

function unquote(text: string): string {
  return text.replace(/(["'])(.*?)\1/g, '$2');
}

/** A real render host's task: the command run by /bin/sh, synchronously in this process (tests that render on the double). */
export function shellTask(task: SimulatedTask): TaskResult {
  const r = spawnSync('/bin/sh', ['-c', task.command], { encoding: 'utf8' });
  return { exitCode: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}

/** The default simulated render: `echo` prints, `exit N` ends with code N, anything else succeeds silently. */
export function simulateCommand(command: string): TaskResult {
  let output = '';
  for (const part of command.split(/;|&&/)) {
    const statement = part.trim();
    const echo = /^echo(?:\s+([\s\S]*))?$/.exec(statement);
    if (echo) {
      output += unquote(echo[1] ?? '') + '\n';
      continue;
    }
    const exit = /^exit\s+(\d+)$/.exec(statement);
    if (exit) return { exitCode: Number(exit[1]), output };
  }
  return { exitCode: 0, output };
}

function taskFrames(b: BlockState, t: number): { start: number; end: number } {
  const start = b.frameFirst + t * b.perTask * b.inc;
  let offset = b.perTask * b.inc - 1;
  if (start + offset > b.frameLast) offset = b.frameLast - start;
  if (b.inc > 1) offset -= offset % b.inc;
  return { start, end: start + offset };
}

function taskName(b: BlockState, t: number): string {
  const tasksName = str(b.raw.tasks_name);
  if (b.numeric) {
    const { start, end } = taskFrames(b, t);
    if (tasksName) return fillFrames(tasksName, start, end);
    if (start === end) return `frame ${start}`;
    return `frame ${start}-${end}` + (b.inc > 1 ? ` / ${b.inc}` : '');
  }
  const name = b.tasks?.[t]?.name ?? '';
  return tasksName ? tasksName.replace('@#@', name) : name;
}

function taskCommand(b: BlockState, t: number): string {
  if (b.numeric) {
    const { start, end } = taskFrames(b, t);
    return fillFrames(b.command, start, end);
  }
  const own = b.tasks?.[t]?.command ?? '';
  return b.command ? b.command.replace('@#@', own) : own;
}

function maskMatches(mask: string, text: string, flags = ''): boolean {
  try {
    return new RegExp(mask, flags).test(text);
  } catch {
    return false;
  }
}

export class AfanasyDouble {
  readonly host = '127.0.0.1';
  port = 0;
  /** Every connection, in order. */
  readonly requests: DoubleRequest[] = [];
  /** True after an invalid job took the server down, until restart(). */
  crashed = false;

  readonly #options: Required<Omit<AfanasyDoubleOptions, 'autoRunMs'>> & { autoRunMs: number | undefined };
  #server: net.Server | undefined;
  readonly #sockets = new Map<net.Socket, { padding?: NodeJS.Timeout; giveUp?: NodeJS.Timeout; request: DoubleRequest }>();
  readonly #jobs = new Map<number, JobState>();
  #lastSerial = 0;
  #autoRun: NodeJS.Timeout | undefined;
  #idleWaiters: (() => void)[] = [];
  readonly #systemJob: { id: number; time: number } = { id: SYSTEM_JOB_ID, time: nowSeconds() };

  private constructor(options: AfanasyDoubleOptions) {
    this.#options = {
      paddingIntervalMs: options.paddingIntervalMs ?? 20,
      giveUpMs: options.giveUpMs ?? 10_000,
      autoRunMs: options.autoRunMs,
      avoidHostAfterErrors: options.avoidHostAfterErrors ?? 3,
      slots: options.slots ?? 4,
      renderHost: options.renderHost ?? 'render01',
      errorsRetries: options.errorsRetries ?? 3,
      runTask: options.runTask ?? ((task) => simulateCommand(task.command)),
    };
  }

  static async start(options: AfanasyDoubleOptions = {}): Promise<AfanasyDouble> {
    const double = new AfanasyDouble(options);
    await double.#listen(0);
    if (double.#options.autoRunMs !== undefined) {
      double.#autoRun = setInterval(() => {
        if (!double.crashed) double.tick();
      }, double.#options.autoRunMs);
    }
    return double;
  }

  /** Settings for AfanasyClient pointing at this double. */
  get settings(): { host: string; port: number } {
    return { host: this.host, port: this.port };
  }

  /** Ids of the render jobs on the server (not the system job). */
  jobIds(): number[] {
    return [...this.#jobs.keys()].sort((a, b) => a - b);
  }

  /** Requests that reached the server and were answered, without the dropped or crashed ones. */
  get replied(): DoubleRequest[] {
    return this.requests.filter((r) => r.outcome === 'replied');
  }

  /** Bring the server back after a crash, on the same port. */
  async restart(): Promise<void> {
    if (this.#server) return;
    await this.#listen(this.port);
    this.crashed = false;
  }

  /** Resolves once no connection is open (the clients closed theirs, or the server gave up). */
  idle(): Promise<void> {
    if (this.#sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.#autoRun) clearInterval(this.#autoRun);
    this.#autoRun = undefined;
    for (const socket of [...this.#sockets.keys()]) this.#serverClose(socket);
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * One step of the simulated farm: every running task finishes (done, retried or in error), then ready
   * tasks start on the free slots, highest priority first, then lowest id.
   */
  tick(): void {
    const now = nowSeconds();
    for (const job of this.#jobs.values()) {
      job.blocks.forEach((block, b) => {
        block.progress.forEach((task, t) => {
          if (!(task.st & RUNNING)) return;
          const result = this.#options.runTask({
            jobId: job.id,
            jobName: job.name,
            block: b,
            blockName: block.name,
            task: t,
            taskName: taskName(block, t),
            command: taskCommand(block, t),
            service: block.service,
            workingDirectory: str(block.raw.working_directory),
            start: task.starts,
          });
          task.outputs[task.starts - 1] = result.output;
          task.tdn = now;
          if (result.exitCode === 0) {
            task.st = DONE;
            return;
          }
          task.errors++;
          const avoidAfter = this.#options.avoidHostAfterErrors;
          if (avoidAfter >= 0 && task.errors >= avoidAfter) {
            task.avoided = true;
            task.st = READY;
            return;
          }
          const retries = block.errorsRetries >= 0 ? block.errorsRetries : this.#options.errorsRetries;
          task.st = task.errors > retries ? ERROR : READY;
        });
      });
    }

    let free = this.#options.slots;
    const order = [...this.#jobs.values()].sort((a, b) => b.priority - a.priority || a.id - b.id);
    for (const job of order) {
      if (free <= 0) break;
      if (!this.#canRun(job)) continue;
      let running = this.#runningCount(job);
      for (const block of job.blocks) {
        if (block.hostsMask && !maskMatches(block.hostsMask, this.#options.renderHost, 'i')) continue;
        let blockRunning = block.progress.filter((t) => t.st & RUNNING).length;
        for (const task of block.progress) {
          if (free <= 0) break;
          if (job.maxRunningTasks >= 0 && running >= job.maxRunningTasks) break;
          if (block.maxRunningTasks >= 0 && blockRunning >= block.maxRunningTasks) break;
          if (!(task.st & READY) || task.avoided) continue;
          task.st = RUNNING;
          task.starts++;
          task.tst = now;
          task.tdn = 0;
          task.host = this.#options.renderHost;
          if (!block.timeStarted) block.timeStarted = now;
          if (!job.timeStarted) job.timeStarted = now;
          free--;
          running++;
          blockRunning++;
        }
      }
    }

    for (const job of this.#jobs.values()) {
      for (const block of job.blocks) {
        const done = block.progress.every((t) => t.st & DONE);
        block.timeDone = done ? block.timeDone || now : 0;
      }
      job.timeDone = this.#jobState(job) & DONE ? job.timeDone || now : 0;
    }
  }

  /** Tick until nothing runs or can start; returns the number of ticks. */
  runUntilIdle(maxTicks = 1000): number {
    for (let i = 1; i <= maxTicks; i++) {
      this.tick();
      const busy = [...this.#jobs.values()].some((job) => this.#runningCount(job) > 0);
      if (!busy) return i;
    }
    return maxTicks;
  }

  // --- connections -------------------------------------------------------------------------------------

  #listen(port: number): Promise<void> {
    const server = net.createServer((socket) => this.#onConnection(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        this.#server = server;
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  #onConnection(socket: net.Socket): void {
    const request: DoubleRequest = { header: '', firstChunkBytes: 0, outcome: 'pending', paddingBytes: 0 };
    this.requests.push(request);
    const entry: { padding?: NodeJS.Timeout; giveUp?: NodeJS.Timeout; request: DoubleRequest } = { request };
    this.#sockets.set(socket, entry);

    let first = true;
    let seenBrace = false;
    let complete = false;
    let declared = 0;
    const body: Buffer[] = [];
    let bodyBytes = 0;

    socket.on('data', (chunk: Buffer) => {
      if (complete) return;
      let rest = chunk;
      if (first) {
        first = false;
        request.firstChunkBytes = chunk.length;
        const header = parseRequestHeader(chunk);
        if (!header) {
          request.header = chunk.toString('latin1').slice(0, 64);
          request.outcome = 'dropped';
          complete = true;
          this.#serverClose(socket);
          return;
        }
        request.header = header.text;
        request.declaredLength = header.length;
        declared = header.length;
        rest = chunk.subarray(header.end);
      }
      if (!seenBrace) {
        const brace = rest.indexOf(0x7b);
        if (brace < 0) return;
        seenBrace = true;
        rest = rest.subarray(brace);
      }
      body.push(rest);
      bodyBytes += rest.length;
      if (bodyBytes < declared) return;
      complete = true;
      this.#handle(socket, request, Buffer.concat(body).subarray(0, declared));
    });

    const clientClosed = (): void => {
      this.#stopTimers(socket);
      request.closedBy ??= 'client';
    };
    socket.on('end', clientClosed);
    socket.on('error', () => clientClosed());
    socket.on('close', () => {
      clientClosed();
      this.#sockets.delete(socket);
      if (this.#sockets.size === 0) {
        const waiters = this.#idleWaiters;
        this.#idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    });
  }

  #stopTimers(socket: net.Socket): void {
    const entry = this.#sockets.get(socket);
    if (!entry) return;
    if (entry.padding) clearInterval(entry.padding);
    if (entry.giveUp) clearTimeout(entry.giveUp);
    entry.padding = undefined;
    entry.giveUp = undefined;
  }

  #serverClose(socket: net.Socket): void {
    const entry = this.#sockets.get(socket);
    if (entry) entry.request.closedBy ??= 'server';
    this.#stopTimers(socket);
    socket.destroy();
  }

  #handle(socket: net.Socket, request: DoubleRequest, bytes: Buffer): void {
    const text = bytes.toString('utf8');
    request.bodyText = text;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      this.#reply(socket, request, errorInfo(parseErrorText(err as Error, text)));
      return;
    }
    request.body = doc;
    const result = this.#dispatch(doc);
    if (result === 'crash') {
      request.outcome = 'crashed';
      this.#crash();
      return;
    }
    this.#reply(socket, request, result);
  }

  #reply(socket: net.Socket, request: DoubleRequest, value: unknown): void {
    let text = formatReply(value);
    const task = isObject(value) && isObject(value.task) ? value.task : undefined;
    // afserver 3.4.1 writes the job name of a task output as it is, quotes and backslashes included.
    if (task && typeof task.job_name === 'string') text = text.replace(`"job_name":${JSON.stringify(task.job_name)}`, () => `"job_name":"${task.job_name as string}"`);
    const body = Buffer.from(text, 'utf8');
    socket.write(Buffer.concat([Buffer.from(`AFANASY ${body.length} JSON`, 'latin1'), body]));
    request.reply = value;
    request.outcome = 'replied';
    const entry = this.#sockets.get(socket);
    if (!entry) return;
    // Like afserver: never close first; probe the client with spaces until it goes away, then give up.
    entry.padding = setInterval(() => {
      if (socket.writable) {
        socket.write(' ');
        request.paddingBytes++;
      }
    }, this.#options.paddingIntervalMs);
    entry.giveUp = setTimeout(() => this.#serverClose(socket), this.#options.giveUpMs);
  }

  /** 3.4.1 segfaults: every connection dies without a reply and the port stops accepting. */
  #crash(): void {
    this.crashed = true;
    for (const socket of [...this.#sockets.keys()]) this.#serverClose(socket);
    const server = this.#server;
    this.#server = undefined;
    server?.close();
  }

  // --- requests ----------------------------------------------------------------------------------------

  #dispatch(doc: unknown): unknown | 'crash' {
    if (!isObject(doc)) return errorInfo('Invalid action.');
    if (isObject(doc.get)) return this.#get(doc.get);
    if ('action' in doc) return this.#action(doc.action);
    if ('job' in doc) return this.#register(doc.job);
    for (const key of ['monitor', 'user', 'reload_config', 'announce', 'save']) {
      if (key in doc) return errorInfo(`The Afanasy test double does not model "${key}" requests.`);
    }
    // Anything else reaches the action handler, which finds no "action" object.
    return errorInfo('Invalid action.');
  }

  #get(get: Obj): unknown {
    const type = str(get.type);
    const mode = str(get.mode);
    let ids = intList(get.ids);
    if (type === 'jobs') {
      if (Array.isArray(get.users) && get.users.length) {
        const users = get.users.filter((u): u is string => typeof u === 'string');
        return { jobs: this.#allJobEntries(false).filter((j) => users.includes(str(j.user_name))) };
      }
      if (mode === 'output') return this.#output(get, ids);
      if (ids.length === 1) {
        const id = ids[0];
        if (id !== SYSTEM_JOB_ID && !this.#jobs.has(id)) return errorInfo('Invalid ID');
        if (Array.isArray(get.block_ids) || Array.isArray(get.task_ids)) {
          return errorInfo('The Afanasy test double does not model block and task gets.');
        }
        if (mode === 'progress') return { job_progress: { id, progress: this.#progress(id) } };
        if (mode === 'thumbnail' || mode === 'error_hosts' || mode === 'log') {
          return errorInfo(`The Afanasy test double does not model mode "${mode}".`);
        }
      }
      if (Array.isArray(get.serials)) {
        // Like JobContainer::getIdsBySerials: unknown serials give no ids, and no ids then lists every job.
        const serials = intList(get.serials);
        ids = [...this.#jobs.values()].filter((j) => serials.includes(j.serial)).map((j) => j.id);
      }
      const full = mode === 'full';
      let jobs = this.#allJobEntries(full);
      if (ids.length) jobs = ids.flatMap((id) => jobs.filter((j) => j.id === id));
      else if (str(get.mask)) jobs = jobs.filter((j) => str(j.name).startsWith(str(get.mask)));
      return { jobs };
    }
    if (type === 'users') {
      const names = [...new Set(['afadmin', ...[...this.#jobs.values()].map((j) => j.userName)])];
      return { users: names.map((name, i) => ({ name, id: i + 1, jobs_num: [...this.#jobs.values()].filter((j) => j.userName === name).length })) };
    }
    if (type === 'renders' || type === 'branches' || type === 'pools' || type === 'monitors') return { [type]: [] };
    if (type === 'config' || type === 'files') return errorInfo(`The Afanasy test double does not model get type '${type}'.`);
    return errorInfo(`Invalid get type = '${type}'`);
  }

  #output(get: Obj, ids: number[]): unknown {
    const blocks = intList(get.block_ids);
    const tasks = intList(get.task_ids);
    if (ids.length !== 1 || blocks.length !== 1 || tasks.length !== 1) {
      return errorInfo('The Afanasy test double needs one id, one block id and one task id for mode "output".');
    }
    const [id, b, t] = [ids[0], blocks[0], tasks[0]];
    const number = int(get.number, 0);
    const reply = (fields: Obj, data: string): unknown => ({
      task: {
        type: 'TOutput',
        render_id: 0,
        job_name: '',
        block_name: '',
        task_name: '',
        service: '',
        parser: '',
        pos: { job: id, block: b, task: t, number },
        progress: {},
        ...fields,
        data,
      },
    });
    const job = this.#jobs.get(id);
    if (!job) return reply({}, id === SYSTEM_JOB_ID ? 'ERROR: This is an empty dummy task in a system job block.\nError tasks output are stored in this task log.' : 'ERROR: Invalid job ID');
    const block = job.blocks[b];
    if (!block || t < 0 || t >= block.tasksNum) return reply({}, 'ERROR: Invalid block and task numbers');
    const task = block.progress[t];
    const names = {
      job_name: job.name,
      block_name: block.name,
      task_name: taskName(block, t),
      service: block.service,
      parser: block.parser,
      progress: this.#taskProgressJson(task),
    };
    if (task.starts < 1) return reply(names, 'ERROR: Task is not started.');
    if (number > task.starts) return reply(names, `ERROR: Task was started ${task.starts} times ( less than ${number} times ).`);
    if (number === 0 && task.st & RUNNING) return reply(names, "ERROR: Can't get ouput of a running task.");
    const start = number === 0 ? task.starts : number;
    return reply(names, task.outputs[start - 1] ?? '');
  }

  #action(action: unknown): unknown {
    // Action::Action: any missing piece makes the whole action invalid.
    if (!isObject(action)) return errorInfo('Invalid action.');
    const type = str(action.type);
    const ids = intList(action.ids);
    const mask = str(action.mask);
    if (!type || (ids.length === 0 && !mask)) return errorInfo('Invalid action.');
    if (!str(action.user_name) || !str(action.host_name)) return errorInfo('Invalid action.');
    if (!ACTION_TYPES.has(type)) return errorInfo(`Action has unknown type: '${type}'`);
    if (type !== 'jobs') return { info: { kind: 'log', text: 'Action processed.' } };

    // Unknown ids are skipped silently (AfContainer::action); the system job is not touched.
    let targets: JobState[];
    if (ids.length) targets = ids.map((id) => this.#jobs.get(id)).filter((j): j is JobState => j !== undefined);
    else targets = [...this.#jobs.values()].filter((j) => maskMatches(mask, j.name));

    const operation = isObject(action.operation) ? str(action.operation.type) : '';
    if (targets.length && isObject(action.operation) && !JOB_OPERATIONS.has(operation)) {
      return errorInfo(`Unknown operation: ${operation}`);
    }
    for (const job of targets) {
      if (isObject(action.operation)) this.#operate(job, operation);
      if (isObject(action.params)) this.#editParams(job, action.params);
    }
    return { info: { kind: 'log', text: 'Action processed.' } };
  }

  #operate(job: JobState, operation: string): void {
    const tasks = job.blocks.flatMap((b) => b.progress);
    const toReady = (task: TaskState): void => {
      task.st = READY;
      task.tdn = 0;
    };
    switch (operation) {
      case 'delete':
        this.#jobs.delete(job.id);
        break;
      case 'pause':
        job.offline = true;
        break;
      case 'start':
        job.offline = false;
        break;
      case 'stop':
      case 'restart_running':
        tasks.filter((t) => t.st & RUNNING).forEach(toReady);
        break;
      case 'restart_pause':
        job.offline = true;
        tasks.forEach(toReady);
        break;
      case 'restart':
        for (const t of tasks) {
          toReady(t);
          t.errors = 0;
        }
        break;
      case 'restart_errors':
        for (const t of tasks.filter((task) => task.st & ERROR)) {
          toReady(t);
          t.errors = 0;
        }
        break;
      default:
        break;
    }
  }

  #editParams(job: JobState, params: Obj): void {
    if ('priority' in params) job.priority = int(params.priority, job.priority);
    if ('max_running_tasks' in params) job.maxRunningTasks = int(params.max_running_tasks, job.maxRunningTasks);
    if ('hosts_mask' in params) job.hostsMask = str(params.hosts_mask, job.hostsMask);
    if ('depend_mask' in params) job.dependMask = str(params.depend_mask, job.dependMask);
    if ('annotation' in params) job.annotation = str(params.annotation, job.annotation);
  }

  /** JobContainer::registerJob. Anything Job::isValid rejects crashes 3.4.1. */
  #register(raw: unknown): unknown | 'crash' {
    if (!isObject(raw)) return 'crash';
    const userName = str(raw.user_name);
    if (!userName) return 'crash';
    if (!Array.isArray(raw.blocks) || raw.blocks.length === 0) return 'crash';
    const blocks: BlockState[] = [];
    for (const rawBlock of raw.blocks) {
      const block = this.#parseBlock(rawBlock);
      if (!block) return 'crash';
      blocks.push(block);
    }

    let id = 2;
    while (this.#jobs.has(id)) id++;
    const names = new Set(['afanasy', ...[...this.#jobs.values()].map((j) => j.name)]);
    const requested = str(raw.name);
    let name = requested;
    for (let n = 1; names.has(name); n++) name = `${requested}-${n}`;
    const serial = ++this.#lastSerial;
    this.#jobs.set(id, {
      raw,
      id,
      serial,
      name,
      userName,
      hostName: str(raw.host_name),
      priority: int(raw.priority, 99),
      timeCreation: int(raw.time_creation, nowSeconds()),
      timeStarted: 0,
      timeDone: 0,
      offline: raw.offline === true,
      maxRunningTasks: int(raw.max_running_tasks, -1),
      dependMask: str(raw.depend_mask),
      dependMaskGlobal: str(raw.depend_mask_global),
      hostsMask: str(raw.hosts_mask),
      annotation: str(raw.annotation),
      blocks,
    });
    return { id, serial };
  }

  #parseBlock(raw: unknown): BlockState | null {
    if (!isObject(raw)) return null;
    const flags = int(raw.flags, 0);
    const numeric = (flags & 1) !== 0;
    let frameFirst = 0;
    let frameLast = 0;
    let perTask = 1;
    let inc = 1;
    let tasks: { name: string; command: string }[] | undefined;
    let tasksNum: number;
    if (numeric) {
      // BlockData::setNumeric clamps what it does not like instead of refusing it.
      frameFirst = int(raw.frame_first, 0);
      frameLast = int(raw.frame_last, 0);
      perTask = Math.max(1, int(raw.frames_per_task, 1));
      inc = Math.max(1, int(raw.frames_inc, 1));
      if (frameLast < frameFirst) frameLast = frameFirst;
      tasksNum = Math.ceil((Math.floor((frameLast - frameFirst) / inc) + 1) / perTask);
    } else {
      if (!Array.isArray(raw.tasks) || raw.tasks.length === 0) return null;
      tasks = raw.tasks.map((t) => (isObject(t) ? { name: str(t.name), command: str(t.command) } : { name: '', command: '' }));
      tasksNum = tasks.length;
    }
    return {
      raw,
      name: str(raw.name),
      service: str(raw.service),
      parser: str(raw.parser),
      capacity: int(raw.capacity, 1000),
      flags,
      numeric,
      frameFirst,
      frameLast,
      perTask,
      inc,
      tasks,
      tasksNum,
      command: str(raw.command),
      errorsRetries: int(raw.errors_retries, -1),
      maxRunningTasks: int(raw.max_running_tasks, -1),
      hostsMask: str(raw.hosts_mask),
      timeStarted: 0,
      timeDone: 0,
      progress: Array.from({ length: tasksNum }, () => ({ st: READY, starts: 0, errors: 0, tst: 0, tdn: 0, host: '', outputs: [] })),
    };
  }

  // --- state -------------------------------------------------------------------------------------------

  #runningCount(job: JobState): number {
    return job.blocks.reduce((n, b) => n + b.progress.filter((t) => t.st & RUNNING).length, 0);
  }

  #waitsForDependencies(job: JobState): boolean {
    const others = [...this.#jobs.values()].filter((j) => j !== job && !(this.#rawJobState(j) & DONE));
    if (job.dependMask && others.some((j) => j.userName === job.userName && maskMatches(job.dependMask, j.name))) return true;
    if (job.dependMaskGlobal && others.some((j) => maskMatches(job.dependMaskGlobal, j.name))) return true;
    return false;
  }

  #canRun(job: JobState): boolean {
    if (job.offline || job.priority === 0) return false;
    if (job.hostsMask && !maskMatches(job.hostsMask, this.#options.renderHost, 'i')) return false;
    return !this.#waitsForDependencies(job);
  }

  #blockState(block: BlockState): number {
    let st = 0;
    for (const t of block.progress) st |= t.st & (READY | RUNNING | ERROR);
    if (block.progress.every((t) => t.st & DONE)) st |= DONE;
    return st;
  }

  /** Job state from its blocks, without dependencies (used to decide dependencies). */
  #rawJobState(job: JobState): number {
    let st = DONE;
    for (const block of job.blocks) {
      const bs = this.#blockState(block);
      st |= bs & (READY | RUNNING | ERROR);
      if (!(bs & DONE)) st &= ~DONE;
    }
    if (job.offline) st |= OFFLINE;
    return st;
  }

  #jobState(job: JobState): number {
    let st = this.#rawJobState(job);
    if (!(st & DONE) && this.#waitsForDependencies(job)) st = (st | WAITDEP) & ~READY;
    return st;
  }

  #taskProgressJson(task: TaskState): Obj {
    const out: Obj = { st: task.st, state: stateString(task.st) };
    if (task.starts > 0) out.str = task.starts;
    if (task.errors > 0) out.err = task.errors;
    if (task.tst > 0) out.tst = task.tst;
    if (task.tdn > 0) out.tdn = task.tdn;
    if (task.host) out.hst = task.host;
    return out;
  }

  #progress(id: number): Obj[][] {
    const job = this.#jobs.get(id);
    if (!job) return [[]];
    return job.blocks.map((b) => b.progress.map((t) => this.#taskProgressJson(t)));
  }

  #blockJson(job: JobState, block: BlockState, index: number, full: boolean): Obj {
    const out: Obj = {};
    const raw = block.raw;
    if (full) {
      if (!block.numeric && block.tasks) out.tasks = block.tasks.map((t) => ({ name: t.name, command: t.command }));
      out.command = block.command;
      out.tasks_name = str(raw.tasks_name);
      if (block.parser) out.parser = block.parser;
      if (str(raw.working_directory)) out.working_directory = str(raw.working_directory);
      if (Array.isArray(raw.files) && raw.files.length) out.files = raw.files;
      if (isObject(raw.environment) && Object.keys(raw.environment).length) out.environment = raw.environment;
    }
    Object.assign(out, {
      name: block.name,
      service: block.service,
      capacity: block.capacity,
      flags: block.flags,
      tasks_num: block.tasksNum,
      frame_first: block.frameFirst,
      frame_last: block.frameLast,
      frames_per_task: block.perTask,
      frames_inc: block.inc,
    });
    if (block.timeStarted) out.time_started = block.timeStarted;
    if (block.timeDone) out.time_done = block.timeDone;
    if (block.maxRunningTasks !== -1) out.max_running_tasks = block.maxRunningTasks;
    if (block.errorsRetries !== -1) out.errors_retries = block.errorsRetries;
    if (str(raw.depend_mask)) out.depend_mask = str(raw.depend_mask);
    if (block.hostsMask) out.hosts_mask = block.hostsMask;
    const st = this.#blockState(block);
    out.block_num = index;
    out.st = st;
    if (st) out.state = stateString(st);
    out.job_id = job.id;
    const count = (bit: number): number => block.progress.filter((t) => t.st & bit).length;
    const running = count(RUNNING);
    const done = count(DONE);
    const percent = Math.floor((done * 100) / block.tasksNum);
    if (running > 0) out.running_tasks_counter = running;
    if (percent > 0) out.p_percentage = percent;
    if (count(READY) > 0) out.p_tasks_ready = count(READY);
    if (done > 0) out.p_tasks_done = done;
    if (count(ERROR) > 0) out.p_tasks_error = count(ERROR);
    return out;
  }

  #jobJson(job: JobState, full: boolean): Obj {
    const st = this.#jobState(job);
    const out: Obj = {
      name: job.name,
      id: job.id,
      serial: job.serial,
      user_name: job.userName,
      host_name: job.hostName,
      priority: job.priority,
      branch: str(job.raw.branch, '/'),
      time_creation: job.timeCreation,
    };
    if (job.timeStarted) out.time_started = job.timeStarted;
    if (job.timeDone) out.time_done = job.timeDone;
    out.st = st;
    if (st) out.state = stateString(st);
    if (job.maxRunningTasks !== -1) out.max_running_tasks = job.maxRunningTasks;
    if (job.dependMask) out.depend_mask = job.dependMask;
    if (job.dependMaskGlobal) out.depend_mask_global = job.dependMaskGlobal;
    if (job.hostsMask) out.hosts_mask = job.hostsMask;
    if (job.annotation) out.annotation = job.annotation;
    for (const key of ['description', 'project', 'department']) if (str(job.raw[key])) out[key] = str(job.raw[key]);
    out.blocks = job.blocks.map((b, i) => this.#blockJson(job, b, i, full));
    return out;
  }

  #systemJobJson(): Obj {
    return {
      name: 'afanasy',
      id: SYSTEM_JOB_ID,
      serial: 0,
      user_name: 'afadmin',
      host_name: '',
      priority: 254,
      branch: '/',
      time_creation: this.#systemJob.time,
      st: READY,
      state: stateString(READY),
      blocks: [
        { name: 'events', service: 'events', capacity: 0, flags: 0, tasks_num: 0, frame_first: 0, frame_last: 0, frames_per_task: 1, frames_inc: 1, block_num: 0, st: 0, job_id: SYSTEM_JOB_ID },
      ],
    };
  }

  #allJobEntries(full: boolean): Obj[] {
    return [this.#systemJobJson(), ...this.jobIds().map((id) => this.#jobJson(this.#jobs.get(id)!, full))];
  }
}
