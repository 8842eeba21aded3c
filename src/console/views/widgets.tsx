/**
 * The small components the pages share: the status badge, a "time ago" that stays current, a
 * cold start's phases as one stacked bar, and the confirmation dialog every action goes through
 * (the native <dialog>, so focus and Escape behave; a failed action shows its error in place
 * instead of closing).
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { AppSummary } from "../../api/client.js";
import type { ColdStartPhases } from "../../spec/types.js";
import { coldStartSegments } from "../model/event-details.js";
import { ago, dateTime, millis, statusText, statusTone } from "../model/format.js";

export function StatusBadge({ app }: { app: AppSummary }) {
  return (
    <span class={`badge tone-${statusTone(app)}`} title={app.status.message} data-testid="status">
      {statusText(app)}
    </span>
  );
}

/** The current time, updated every `periodMs` (default 5 s) while mounted. */
export function useNow(periodMs = 5000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(t);
  }, [periodMs]);
  return now;
}

export function Ago({ time, now }: { time: string | number; now: number }) {
  return <time dateTime={new Date(time).toISOString()} title={dateTime(time)}>{ago(time, now)}</time>;
}

export function ColdStartBar({ phases, totalMs }: { phases: ColdStartPhases; totalMs?: number }) {
  const segments = coldStartSegments(phases);
  const title = segments.map((s) => `${s.phase} ${millis(s.endMs)}`).join(", ");
  return (
    <div class="coldbar" title={title} data-testid="cold-start-bar">
      <div class="coldbar-track">
        {segments.map((s) => (
          <span key={s.phase} class={`seg seg-${s.phase.replace(" ", "-")}`} style={{ width: `${s.percent}%` }} />
        ))}
      </div>
      <div class="coldbar-legend">
        {segments.map((s) => (
          <span key={s.phase}>
            <i class={`seg-${s.phase.replace(" ", "-")}`} />
            {s.phase} {millis(s.endMs - s.startMs)}
          </span>
        ))}
        {totalMs !== undefined && <strong>total {millis(totalMs)}</strong>}
      </div>
    </div>
  );
}

export interface ConfirmDialogProps {
  title: string;
  confirmLabel: string;
  danger?: boolean;
  children?: ComponentChildren;
  /** Runs on confirm; a thrown error is shown and the dialog stays open, as it does on `false`. */
  onConfirm(): Promise<boolean | void>;
  onClose(): void;
}

export function ConfirmDialog({ title, confirmLabel, danger, children, onConfirm, onClose }: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  async function confirm(e: Event): Promise<void> {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if ((await onConfirm()) !== false) onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={ref} class="dialog" onClose={onClose} onCancel={onClose} data-testid="confirm-dialog">
      <form method="dialog" onSubmit={confirm}>
        <h2>{title}</h2>
        {children}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-buttons">
          <button type="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" class={danger ? "danger" : "primary"} disabled={busy}>
            {busy ? "Working…" : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
