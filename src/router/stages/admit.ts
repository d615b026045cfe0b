import type { TaskType } from '../../types.js';
import type { Decision } from '../events.js';
import { listSome } from '../internal/listSome.js';
import type { RouterRequest, WaitTicket } from '../internal/request.js';
import type { Stages } from './context.js';
import { type DecisionWithEntries, exclusion } from './decide.js';
import { canQueueNew, canStartNew, canStartOn, type ModelEntry } from './fleet.js';

/**
 * The admit stage: routes a request (decide, then bind), and keeps the admission queue. A request
 * binds at once to the best ranked model with room, or early to a model's own short queue when that
 * beats every free alternative; otherwise it waits in every ranked model's wait list and binds late
 * to whichever frees first. Waiting is bounded (`maxQueue` per model, `maxWaiting` in all): past it,
 * `CAPACITY_EXCEEDED` at once. Work per event is O(log n) in the number waiting.
 */
export class Admission<Req, Res> {
  readonly #s: Stages<Req, Res>;
  readonly #maxWaiting: () => number;
  /** Every live wait ticket (for model additions and `close()`; never scanned per event). */
  readonly #live = new Set<WaitTicket<Req, Res>>();

  constructor(stages: Stages<Req, Res>, maxWaiting: () => number) {
    this.#s = stages;
    this.#maxWaiting = maxWaiting;
  }

  /** Requests waiting now. */
  get size(): number {
    return this.#live.size;
  }

  /**
   * Decides where `p` goes and binds it, parks it, or fails it. Used for retries and re-routing
   * too. `now` is the router's time when the caller has just read it (one clock read per step).
   */
  route(p: RouterRequest<Req, Res>, now = this.#s.now()): void {
    if (p.settled) return;
    const s = this.#s;
    let dw: DecisionWithEntries<Req, Res>;
    try {
      dw = this.#decide(p, now);
      if (dw.decision.binding === 'none' && p.streaming && p.callIfNoStream) {
        // No model that can take it can stream: serve it whole by a call (its RunInfo settles it).
        p.streaming = false;
        p.wantInfo = true;
        dw = this.#decide(p, now);
      }
    } catch (error) {
      s.settlement.strategyFailed(p, error);
      return;
    }
    this.#admit(p, dw);
  }

  #decide(p: RouterRequest<Req, Res>, now: number): DecisionWithEntries<Req, Res> {
    const s = this.#s;
    return s.decider.decide(
      p.id,
      p.profile!,
      p.tokens,
      p.tried,
      s.random,
      true,
      now,
      p.streaming,
      p.arm,
    );
  }

  #admit(p: RouterRequest<Req, Res>, { decision: d, ranked }: DecisionWithEntries<Req, Res>): void {
    const s = this.#s;
    p.decision = d;
    // Listeners hear the decision before it is carried out, and may do anything (route more work,
    // remove models, abort this request): the binding is checked again against the state they left.
    this.#announce(p, d, p.attempt + 1);
    if (p.settled) return;
    if (d.binding === 'start' || d.binding === 'queue') {
      const e = ranked.find((x) => x.model.id === d.model)!;
      if (d.spilled) this.#overflow(p, d, d.model);
      if (p.settled) return;
      if (!this.#stillFits(e, p.tokens, d.binding)) {
        this.route(p);
        return;
      }
      s.attempts.dispatch(p, e, d.at);
      return;
    }
    if (d.binding === 'none') {
      if (p.attempts.length > 0) s.settlement.failModel(p);
      else s.settlement.noCapableModel(p, d);
      return;
    }
    const live = ranked.filter((e) => !e.removed);
    let room = 0;
    for (const e of live) room += e.model.maxQueue - e.lane.queued - e.waitingFor;
    const maxWaiting = this.#maxWaiting();
    if (live.length === 0 || room <= 0 || this.size >= maxWaiting) {
      if (p.attempts.length > 0) {
        s.settlement.failModel(p);
        return;
      }
      const reason =
        this.size >= maxWaiting
          ? `the router already has ${this.size} requests waiting (maxWaiting ${maxWaiting})`
          : `the models its strategy ranked (${listSome(ranked.map((e) => e.model.id))}) are full and their waiting room (maxQueue) is used up`;
      s.settlement.fail(
        p,
        'CAPACITY_EXCEEDED',
        `No room for a '${d.task.type}' request: ${reason}. Retry later, raise maxQueue / maxWaiting, or add capacity.`,
        { limits: { waiting: this.size, maxWaiting, room } },
      );
      return;
    }
    this.#enqueue(p, live);
    this.#overflow(p, d, undefined);
    // A listener may have freed room before the request joined the wait lists: use it now.
    for (const e of live) if (p.wait !== undefined && canStartOn(e, p.tokens)) this.pump(e);
  }

  /** Whether `e` can still take a request bound `binding` (listeners may have changed things). */
  #stillFits(e: ModelEntry<Req, Res>, tokens: number, binding: 'start' | 'queue'): boolean {
    if (e.removed) return false;
    const now = this.#s.now();
    if (now < e.coolUntil) return false;
    if (e.health !== undefined && !e.health.canRoute(now)) return false;
    return binding === 'start' ? canStartNew(e, tokens) : canQueueNew(e, tokens);
  }

  #enqueue(p: RouterRequest<Req, Res>, ranked: readonly ModelEntry<Req, Res>[]): void {
    const first = ranked[0]!;
    const ticket: WaitTicket<Req, Res> = {
      request: p,
      accept: new Set(ranked.map((e) => e.model.id)),
      firstChoice: first,
      live: true,
    };
    first.waitingFor++;
    p.wait = ticket;
    this.#live.add(ticket);
    const now = this.#s.now();
    for (const e of ranked) {
      e.waiters.push(ticket);
      const allowedAt = e.lane.rateAllowsAt(now);
      if (allowedAt > now) this.#wakeAt(e, allowedAt);
    }
  }

  /** Takes `p` out of the admission queue, if it waits there. */
  unwait(p: RouterRequest<Req, Res>): void {
    const t = p.wait;
    if (t === undefined) return;
    // Models held for it (its first waiter, short of token room) serve the ones behind it now.
    const held = this.#heldBy(t);
    p.wait = undefined;
    t.live = false;
    this.#live.delete(t);
    if (t.firstChoice !== undefined) t.firstChoice.waitingFor--;
    t.firstChoice = undefined;
    const fleet = this.#s.fleet;
    for (const id of t.accept) fleet.get(id)?.waiters.died();
    if (held !== undefined) for (const e of held) queueMicrotask(() => this.pump(e));
  }

  /** The models `t` holds: it is their first waiter, with others behind it, and does not fit yet. */
  #heldBy(t: WaitTicket<Req, Res>): ModelEntry<Req, Res>[] | undefined {
    const held: ModelEntry<Req, Res>[] = [];
    const fleet = this.#s.fleet;
    for (const id of t.accept) {
      const e = fleet.get(id);
      if (e === undefined || e.waiters.size < 2 || e.lane.fitsTokens(t.request.tokens)) continue;
      if (e.waiters.peek() === t) held.push(e);
    }
    return held.length === 0 ? undefined : held;
  }

  /** A lane has room (a call finished, a ticket was cancelled, a wake-up fired): bind waiting requests to it. */
  pump(e: ModelEntry<Req, Res>): void {
    if (e.removed || e.waiters.size === 0) return;
    const s = this.#s;
    const now = s.now();
    if (now < e.coolUntil) {
      this.#wakeAt(e, e.coolUntil);
      return;
    }
    const health = e.health;
    if (health !== undefined && !health.canRoute(now)) {
      // Open and cooling off: wake up when the cool-off ends. Open with its probe running: the
      // probe's end frees the lane and pumps again, so nothing needs to be scheduled (no busy loop).
      if (!health.snapshot().probing) this.#wakeAt(e, health.snapshot().retryAt);
      return;
    }
    const probe = health !== undefined && health.state === 'open';
    const id = e.model.id;
    for (;;) {
      const t = e.waiters.peek();
      if (t === undefined) break;
      const p = t.request;
      if (!canStartOn(e, p.tokens)) {
        const allowedAt = e.lane.rateAllowsAt(now);
        if (allowedAt > now) this.#wakeAt(e, allowedAt);
        break;
      }
      this.unwait(p);
      const d = p.decision!;
      p.decision = { ...d, model: id, spilled: s.fleet.isSpill(e, d.task.type) };
      s.attempts.dispatch(p, e, now);
      if (probe) break; // an open model takes one probe at a time
    }
  }

  /** A model was added: waiting requests it could serve are decided again, in their order. */
  reconsiderFor(e: ModelEntry<Req, Res>): void {
    const now = this.#s.now();
    const tickets = [...this.#live].sort(
      (a, b) => b.request.priority - a.request.priority || a.request.id - b.request.id,
    );
    for (const t of tickets) {
      const p = t.request;
      if (!t.live || p.profile === undefined) continue;
      if (exclusion(e, p.profile, p.tokens, p.tried, now, p.streaming) === undefined) {
        this.unwait(p);
        this.route(p);
      }
    }
  }

  /** A model was removed: requests waiting for it alone are routed again. */
  onRemoved(e: ModelEntry<Req, Res>): void {
    this.#clearWake(e);
    const id = e.model.id;
    const fleet = this.#s.fleet;
    for (const t of e.waiters.liveTickets()) {
      t.accept.delete(id);
      if (t.firstChoice === e) {
        e.waitingFor--;
        t.firstChoice = undefined;
        for (const other of t.accept) {
          const oe = fleet.get(other);
          if (oe !== undefined && !oe.removed) {
            t.firstChoice = oe;
            oe.waitingFor++;
            break;
          }
        }
      }
      if (t.accept.size === 0) {
        this.unwait(t.request);
        this.route(t.request);
      }
    }
  }

  /**
   * A model opened: requests waiting only for models that cannot take work now are routed again
   * (to another capable model, or rejected with NO_CAPABLE_MODEL like a new request); the others
   * get a wake-up when its cool-off ends.
   */
  onOpened(e: ModelEntry<Req, Res>): void {
    const s = this.#s;
    const now = s.now();
    for (const t of e.waiters.liveTickets()) {
      let routable = false;
      for (const id of t.accept) {
        const other = s.fleet.get(id);
        if (other && !other.removed && (!other.health || other.health.canRoute(now))) {
          routable = true;
          break;
        }
      }
      if (!routable) {
        this.unwait(t.request);
        this.route(t.request);
      }
    }
    const h = e.health?.snapshot();
    if (h !== undefined && !h.probing && e.waiters.size > 0) this.#wakeAt(e, h.retryAt);
  }

  /** Cancels every wake-up timer (`close()`: nothing of the router's keeps the process alive). */
  stopTimers(): void {
    for (const e of this.#s.fleet.entries()) this.#clearWake(e);
  }

  /**
   * Pumps `e` again at `at` (its cool-off end, or when its rate limit next allows a start), if
   * requests still wait for it. One timer per model: an earlier time replaces a later one.
   */
  #wakeAt(e: ModelEntry<Req, Res>, at: number): void {
    if (!Number.isFinite(at) || e.waiters.size === 0) return;
    if (e.wakeTimer !== undefined && e.wakeAt <= at) return;
    const s = this.#s;
    this.#clearWake(e);
    e.wakeAt = at;
    e.wakeTimer = s.clock.setTimeout(
      () => {
        e.wakeTimer = undefined;
        e.wakeAt = Number.POSITIVE_INFINITY;
        this.pump(e);
      },
      Math.max(0, at - s.now()),
    );
  }

  #clearWake(e: ModelEntry<Req, Res>): void {
    if (e.wakeTimer === undefined) return;
    this.#s.clock.clearTimeout(e.wakeTimer);
    e.wakeTimer = undefined;
    e.wakeAt = Number.POSITIVE_INFINITY;
  }

  /** `decision`: emitted once the request is bound, parked or failed, so listeners see the state. */
  #announce(p: RouterRequest<Req, Res>, d: Decision, attempt: number): void {
    const o = this.#s.observer;
    if (o.listening('decision')) o.notify('decision', { requestId: p.id, attempt, decision: d });
  }

  /** `overflow`: the request spilled (or has to wait) because its home models had no room. */
  #overflow(p: RouterRequest<Req, Res>, d: Decision, model: string | undefined): void {
    const o = this.#s.observer;
    if (!o.listening('overflow')) return;
    const type: TaskType = d.task.type;
    const homes = this.#s.fleet.homes(type);
    const full = homes.filter((e) => !canStartNew(e, p.tokens)).map((e) => e.model.id);
    if (model !== undefined && full.length < homes.length) return; // a home had room: a choice, not an overflow
    o.notify('overflow', { requestId: p.id, task: d.task, home: full, model, waiting: this.size });
  }
}
