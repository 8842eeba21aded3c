/**
 * The app's events, newest first. Scaling decisions show the inputs behind them (observed load,
 * target, window, panic state, the rule that fired); cold starts show their phases as a bar.
 */
import type { EbbEvent } from "../../api/client.js";
import { phasesOf, readDecision } from "../model/event-details.js";
import { clockTime, dateTime } from "../model/format.js";
import { ColdStartBar } from "./widgets.js";

const tones: Record<string, string> = {
  ScaledUp: "up",
  ScaledDown: "down",
  ScaledToZero: "down",
  ColdStart: "cold",
  CrashLoop: "bad",
  OomKilled: "bad",
  RolloutFailed: "bad",
  InsufficientCapacity: "bad",
  ReplicaExited: "muted",
  Deleted: "bad",
};

export function EventsTimeline({ events, loaded, error }: { events: EbbEvent[]; loaded: boolean; error: string | null }) {
  const newestFirst = [...events].reverse();
  return (
    <section class="card events" aria-label="Events">
      <div class="card-head">
        <h2>Events</h2>
        <span class="muted">{events.length ? `${events.length} shown` : ""}</span>
      </div>
      {error && <p class="error">{error}</p>}
      {!loaded ? (
        <p class="muted">Loading…</p>
      ) : events.length === 0 ? (
        <p class="muted">No events yet.</p>
      ) : (
        <ol class="timeline" data-testid="events">
          {newestFirst.map((e) => (
            <EventItem key={e.id} event={e} />
          ))}
        </ol>
      )}
    </section>
  );
}

function EventItem({ event }: { event: EbbEvent }) {
  const decision = readDecision(event);
  const phases = event.type === "ColdStart" ? phasesOf(event.data) : null;
  const total = typeof event.data.totalMs === "number" ? event.data.totalMs : undefined;
  return (
    <li class={`event tone-${tones[event.type] ?? "plain"}`} data-event-type={event.type}>
      <div class="event-line">
        <time dateTime={event.time} title={dateTime(event.time)}>
          {clockTime(event.time, true)}
        </time>
        <span class="event-type">{event.type}</span>
        <span class="event-msg">{event.message}</span>
      </div>
      {decision && (
        <div class="decision">
          <p class="rule">
            {decision.from} → {decision.to}: {decision.ruleText}
            {decision.panicking && <span class="badge tone-warn">panic</span>}
          </p>
          <dl>
            {decision.facts.map((f) => (
              <div key={f.label}>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
      {phases && <ColdStartBar phases={phases} {...(total !== undefined ? { totalMs: total } : {})} />}
    </li>
  );
}
