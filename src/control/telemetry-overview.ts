/**
 * The overview's deltas: which apps' views and traffic figures changed between two publications
 * (one a second), found without walking every app. What may have changed is told from outside:
 * the recorder's touched apps (those it sampled, which include every app with an event since the
 * previous second, every awake app and every app whose gateway counters moved, plus the apps whose
 * traffic window is still moving) and the Deleted events seen here. An app's view changes only
 * with an event of its own or while it is awake (telemetry-recorder.ts), so an app that was not
 * touched is as it was.
 *
 * A touched app is not necessarily changed (an awake app with steady replicas and no requests
 * is touched every second), so each touched app's view and traffic are reduced to a small stamp
 * (a hash of the view's JSON; the four traffic figures) and compared with its stamp at the
 * previous publication. Stamps are kept only for the apps touched at that publication: an app
 * not touched then has no stamp and is sent whole when touched again, which costs a few bytes and
 * keeps memory in step with activity, not with the number of apps.
 *
 * Each publication gives two deltas: `changed` for subscribers that had the previous one, and
 * `touched` (every touched app, changed or not) for subscribers that joined since. A newcomer
 * started from an overview read some time after the previous publication: an app that changed
 * and changed back in between has the same stamp as before, yet the newcomer holds the middle
 * version; sending every touched app covers it.
 */
import { createHash } from "node:crypto";
import type { AppSummary, EbbEvent } from "../spec/types.js";
import type { AppTraffic, OverviewDelta } from "./types.js";

/** What a publication reads of one app. */
export interface OverviewReads {
  /** The app's view, or undefined when it no longer exists. O(1). */
  summary(app: string): AppSummary | undefined;
  traffic(app: string): AppTraffic;
}

interface Stamp {
  view: string;
  traffic: string;
}

export interface OverviewPublication {
  changed: OverviewDelta;
  touched: OverviewDelta;
}

export class OverviewChanges {
  readonly #maxApps: number;
  /** The stamps of the apps touched at the previous publication, as published. */
  #stamps = new Map<string, Stamp>();
  /** Apps deleted since the previous publication; at most maxApps, past it the next one is whole. */
  readonly #deleted = new Set<string>();
  #overflow = false;

  /** `maxApps`: the most deleted apps remembered between two publications. */
  constructor(maxApps: number) {
    this.#maxApps = maxApps;
  }

  /** Notes a deletion; other events reach the deltas through the recorder's touched apps. */
  observe(e: EbbEvent): void {
    if (e.type !== "Deleted") return;
    this.#stamps.delete(e.app);
    if (this.#deleted.size < this.#maxApps) this.#deleted.add(e.app);
    else this.#overflow = true;
  }

  /**
   * The publication at `time`: `touched` are the apps that may have changed since the previous
   * one ("all" when too many to tell). Null when only a whole overview will do; the next
   * publication then starts afresh (every touched app sent whole).
   */
  next(touched: ReadonlySet<string> | "all", reads: OverviewReads, time: number): OverviewPublication | null {
    if (touched === "all" || this.#overflow) {
      this.reset();
      return null;
    }
    const changed: OverviewDelta = { time, apps: [], traffic: {}, removed: [] };
    const all: OverviewDelta = { time, apps: [], traffic: {}, removed: [] };
    const stamps = new Map<string, Stamp>();
    const visit = (app: string): void => {
      if (stamps.has(app)) return;
      const summary = reads.summary(app);
      if (!summary) {
        // Deleted, or never known here (a route the gateway still counted): either way gone.
        if (this.#deleted.has(app)) return;
        changed.removed.push(app);
        all.removed.push(app);
        return;
      }
      const traffic = reads.traffic(app);
      const stamp = { view: viewStamp(summary), traffic: trafficStamp(traffic) };
      const before = this.#stamps.get(app);
      stamps.set(app, stamp);
      all.apps.push(summary);
      all.traffic[app] = traffic;
      if (before?.view !== stamp.view) changed.apps.push(summary);
      if (!before || before.traffic !== stamp.traffic) changed.traffic[app] = traffic;
    };
    for (const app of touched) visit(app);
    for (const app of this.#deleted) {
      // Deployed again since its deletion: sent whole (its stamp went with the Deleted event).
      if (reads.summary(app)) visit(app);
      else {
        changed.removed.push(app);
        all.removed.push(app);
      }
    }
    this.#deleted.clear();
    this.#stamps = stamps;
    return { changed, touched: all };
  }

  /** Forgets every stamp and deletion: the next publication sends every touched app whole. */
  reset(): void {
    this.#stamps = new Map();
    this.#deleted.clear();
    this.#overflow = false;
  }
}

/** A short hash of the view's JSON: views built by the same code list their keys in the same order. */
function viewStamp(summary: AppSummary): string {
  return createHash("sha1").update(JSON.stringify(summary)).digest("base64");
}

function trafficStamp(t: AppTraffic): string {
  return `${t.rps} ${t.inflight} ${t.p50Ms} ${t.p99Ms}`;
}
