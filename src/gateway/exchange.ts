/**
 * One request's life in the gateway, from admission to the end of its answer, shared by plain
 * HTTP requests (http-exchange.ts) and Upgrade requests (tunnel-exchange.ts). It owns the
 * bookkeeping that must happen exactly once: the request timer (on the gateway's Clock), the
 * endpoint slot, leaving the wake queue, counting the request out; and the retry rule.
 *
 * Retry rule: only a connect failure (`syscall: "connect"`: refused, unreachable, timed out) is
 * retried, because then no byte of the request reached the replica. Bodies are sent only once
 * the connection is open, so a retry never replays a partly sent body. A reset after connecting
 * is never retried: the replica may have acted on the request.
 */
import type { Clock, Timer } from "../kit/clock.js";
import type { EbbError } from "../kit/errors.js";
import type { Logger } from "../kit/log.js";
import type { AppRoute, Waiter } from "./app-route.js";
import type { UpstreamEndpoint } from "./endpoint-set.js";
import type { RequestHead } from "./forward-headers.js";
import { gatewayError, type AnswerOptions } from "./respond.js";
import type { GatewayHooks } from "./types.js";
import type { QueueNode } from "./wake-queue.js";

/** Connection attempts per request (the first one included) before answering 502. */
export const maxConnectAttempts = 3;

/** What exchanges share with the gateway that runs them. */
export interface ExchangeContext {
  readonly clock: Clock;
  readonly hooks: GatewayHooks;
  readonly log: Logger;
  /** True once close() or destroy() began: no retries, answers ask the client to close. */
  readonly closing: boolean;
  opened(): void;
  closed(): void;
}

/** What a client connection tells the exchange answering its current request. */
export interface ClientExchange {
  /** The client can take more after a write to it returned false. */
  onClientDrain(): void;
  /** The connection closed before the answer was complete. */
  onClientClose(): void;
  /** The request body is malformed: the request fails with `err`. */
  answer(err: EbbError, opts?: AnswerOptions): void;
}

export abstract class Exchange implements Waiter {
  prev: QueueNode | null = null;
  next: QueueNode | null = null;
  queued = false;
  wokeWait = false;
  readonly arrivedAt: number;
  protected endpoint: UpstreamEndpoint | null = null;
  #attempts = 0;
  #dispatchedAt = 0;
  #timer: Timer | null = null;
  #ended = false;

  constructor(
    readonly ctx: ExchangeContext,
    readonly route: AppRoute,
    readonly head: RequestHead,
  ) {
    this.arrivedAt = ctx.clock.now();
  }

  /** Arms the request timer and hands the request to its app's route. */
  start(): void {
    this.ctx.opened();
    this.#timer = this.ctx.clock.setTimeout(this.#onTimeout, this.route.settings.requestTimeoutMs);
    this.route.admit(this);
  }

  dispatch(ep: UpstreamEndpoint): void {
    this.endpoint = ep;
    ep.inflight++;
    this.#attempts++;
    if (this.wokeWait) this.#dispatchedAt = this.ctx.clock.now(); // only firstByte() reads it
    this.connect(ep);
  }

  abstract answer(err: EbbError, opts?: AnswerOptions): void;

  /** Sends the request to the endpoint (the slot is already taken). */
  protected abstract connect(ep: UpstreamEndpoint): void;

  /** The request timer fired after dispatch. */
  protected abstract timedOut(): void;

  /** The replica failed before the response started; the upstream request is already gone. */
  protected upstreamFailed(err: NodeJS.ErrnoException): void {
    const ep = this.endpoint!;
    this.releaseEndpoint();
    if (err.syscall === "connect" && this.#attempts < maxConnectAttempts && !this.ctx.closing) {
      this.ctx.log.debug("replica refused the connection; retrying", { app: this.route.name, replica: ep.id, code: err.code });
      this.route.retry(this, ep);
      return;
    }
    this.ctx.log.warn("replica failed before answering", { app: this.route.name, replica: ep.id, code: err.code });
    const message = `Replica ${ep.id} of app "${this.route.name}" failed before answering (${err.code ?? err.message})`;
    this.answer(gatewayError("GATEWAY_UPSTREAM_FAILED", message, { app: this.route.name, replica: ep.id, cause: err.code ?? null }));
  }

  /** The first response byte is going to the client. */
  protected firstByte(): void {
    if (!this.wokeWait || this.endpoint === null) return;
    this.wokeWait = false;
    const now = this.ctx.clock.now();
    const info = { arrivedAt: this.arrivedAt, waitedMs: this.#dispatchedAt - this.arrivedAt, firstByteMs: now - this.arrivedAt, endpointId: this.endpoint.id };
    try {
      this.ctx.hooks.onWakeServed(this.route.name, info);
    } catch (err) {
      this.ctx.log.error("onWakeServed hook failed", { app: this.route.name, err });
    }
  }

  /** Stops the request timer (an upgraded connection is not bound by it). */
  protected disarm(): void {
    this.#timer?.cancel();
    this.#timer = null;
  }

  protected releaseEndpoint(): void {
    const ep = this.endpoint;
    if (ep === null) return;
    this.endpoint = null;
    this.route.release(ep);
  }

  /** The request was counted out. */
  protected get ended(): boolean {
    return this.#ended;
  }

  /** The client side is done: counts the request out, once. */
  protected end(status: number): void {
    if (this.#ended) return;
    this.#ended = true;
    this.disarm();
    if (this.queued) this.route.leave(this);
    this.releaseEndpoint();
    this.route.depart(status, this.arrivedAt);
    this.ctx.closed();
  }

  #onTimeout = (): void => {
    this.#timer = null;
    if (this.#ended) return;
    const seconds = this.route.settings.requestTimeoutMs / 1000;
    const details = { app: this.route.name, timeoutMs: this.route.settings.requestTimeoutMs };
    if (!this.queued) return this.timedOut();
    this.route.leave(this);
    if (this.wokeWait) {
      this.answer(gatewayError("GATEWAY_WAKE_TIMEOUT", `App "${this.route.name}" was starting and no replica became ready within ${seconds} s`, details));
    } else {
      this.answer(gatewayError("GATEWAY_REQUEST_TIMEOUT", `No replica of app "${this.route.name}" had a free slot within ${seconds} s`, details));
    }
  };

  /** The error for a request that ran past its timeout after dispatch. */
  protected timeoutError(): EbbError {
    const ms = this.route.settings.requestTimeoutMs;
    return gatewayError("GATEWAY_REQUEST_TIMEOUT", `The request to app "${this.route.name}" ran past its ${ms / 1000} s timeout`, { app: this.route.name, timeoutMs: ms });
  }
}
