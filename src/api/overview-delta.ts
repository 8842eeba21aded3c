/**
 * The two operations on overview deltas (control/types.ts OverviewDelta) that the two ends of the
 * overview stream need: the client applies each delta to the overview it holds
 * (`applyOverviewDelta`, so `streamOverview` still yields whole overviews), and the server merges
 * the deltas a slow reader has not taken yet into one (`mergeOverviewDeltas`, overview-feed.ts).
 * Pure and free of Node built-ins: the console runs it in the browser.
 *
 * The rule both keep: a later view or traffic entry of an app replaces an earlier one; a removal
 * drops whatever came before it of that app; a view after a removal (an app deleted and deployed
 * again) brings the app back. So merging then applying equals applying one after the other.
 */
import type { AppSummary } from "../spec/types.js";
import type { AppTraffic, Overview, OverviewDelta } from "../control/types.js";

/**
 * The overview `delta` brings `base` to, as a new object (`base` is left as it was, so a UI can
 * compare the two). Apps keep their order; new ones come last. O(apps in base + delta).
 */
export function applyOverviewDelta(base: Overview, delta: OverviewDelta): Overview {
  const changed = new Map<string, AppSummary>();
  for (const app of delta.apps) changed.set(app.name, app);
  const removed = new Set(delta.removed);
  const apps: AppSummary[] = [];
  for (const app of base.apps) {
    const next = changed.get(app.name);
    if (next) {
      apps.push(next);
      changed.delete(app.name);
    } else if (!removed.has(app.name)) apps.push(app);
  }
  for (const app of changed.values()) apps.push(app);
  const traffic: Record<string, AppTraffic> = { ...base.traffic };
  for (const name of delta.removed) delete traffic[name];
  Object.assign(traffic, delta.traffic);
  return { time: delta.time, apps, traffic };
}

/** One delta that does what `earlier` then `later` do. Neither argument is changed. */
export function mergeOverviewDeltas(earlier: OverviewDelta, later: OverviewDelta): OverviewDelta {
  const apps = new Map<string, AppSummary>();
  for (const app of earlier.apps) apps.set(app.name, app);
  const traffic: Record<string, AppTraffic> = { ...earlier.traffic };
  const removed = new Set(earlier.removed);
  for (const name of later.removed) {
    apps.delete(name);
    delete traffic[name];
    removed.add(name);
  }
  for (const app of later.apps) {
    apps.set(app.name, app);
    removed.delete(app.name);
  }
  Object.assign(traffic, later.traffic);
  return { time: later.time, apps: [...apps.values()], traffic, removed: [...removed] };
}

/** Entries a delta carries (views, traffic entries, removals): what bounds a coalesced one. */
export function deltaSize(delta: OverviewDelta): number {
  return delta.apps.length + Object.keys(delta.traffic).length + delta.removed.length;
}
