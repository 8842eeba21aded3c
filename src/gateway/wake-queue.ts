/**
 * The per-app queue of requests waiting for a replica: while the app wakes from zero, or while
 * every replica is at its concurrency limit. FIFO, so waiting requests are dispatched in arrival
 * order, with O(1) removal when a client gives up. The list is intrusive (the links live on the
 * waiting request itself), so queueing allocates nothing. The bound is the route's
 * `wakeQueueLimit`; `push` refuses past it and the caller answers GATEWAY_WAKE_QUEUE_FULL.
 */

export interface QueueNode {
  prev: QueueNode | null;
  next: QueueNode | null;
  queued: boolean;
}

export class WakeQueue<T extends QueueNode> {
  #head: T | null = null;
  #tail: T | null = null;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  /** Appends unless `limit` requests already wait; returns whether it was queued. */
  push(node: T, limit: number): boolean {
    if (this.#length >= limit || node.queued) return false;
    node.prev = this.#tail;
    node.next = null;
    if (this.#tail) this.#tail.next = node;
    else this.#head = node;
    this.#tail = node;
    this.#link(node);
    return true;
  }

  /** Puts a request back at the front (it keeps its place after a failed attempt). */
  unshift(node: T, limit: number): boolean {
    if (this.#length >= limit || node.queued) return false;
    node.prev = null;
    node.next = this.#head;
    if (this.#head) this.#head.prev = node;
    else this.#tail = node;
    this.#head = node;
    this.#link(node);
    return true;
  }

  /** The oldest waiting request, removed; undefined when empty. */
  shift(): T | undefined {
    const node = this.#head;
    if (node === null) return undefined;
    this.remove(node);
    return node;
  }

  peek(): T | undefined {
    return this.#head ?? undefined;
  }

  /** Removes a request wherever it is; false if it was not queued. */
  remove(node: T): boolean {
    if (!node.queued) return false;
    if (node.prev) node.prev.next = node.next;
    else this.#head = node.next as T | null;
    if (node.next) node.next.prev = node.prev;
    else this.#tail = node.prev as T | null;
    node.prev = node.next = null;
    node.queued = false;
    this.#length--;
    return true;
  }

  #link(node: T): void {
    node.queued = true;
    this.#length++;
  }
}
