/**
 * The alert's escalation at its gateway: who was reached, by what, and the next step's
 * countdown. Asked again whenever the alert changes (each step is also a timeline entry) and
 * every 15 s while the detail is open. Nothing is shown when the gateway has no ladder for it.
 */
import { useEffect, useState } from 'react';
import type { EscalationLadder as Ladder } from '../../../../common/api/escalation';
import type { ConsoleApi } from '../../api/get-api';
import { useNow } from '../../hooks/useNow';
import { ladderView } from './ladder-view';

export function EscalationLadder({
  api,
  feedId,
  alertId,
  version,
}: {
  api: ConsoleApi;
  feedId: string;
  alertId: string;
  version: number;
}) {
  const [ladder, setLadder] = useState<Ladder | null>(null);
  const [error, setError] = useState<string | null>(null);
  const now = useNow(1000);
  useEffect(() => {
    let current = true;
    const load = () =>
      void api.escalationLadder({ feedId, alertId }).then((result) => {
        if (!current) return;
        setLadder(result.ok ? result.value : null);
        setError(result.ok ? null : result.message);
      });
    load();
    const timer = setInterval(load, 15_000);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, [api, feedId, alertId, version]);
  if (error) {
    return (
      <p className="muted" data-testid="escalation-ladder">
        Escalation: {error}
      </p>
    );
  }
  if (!ladder || ladder.rows.length === 0) return null;
  const view = ladderView(ladder.rows, now);
  return (
    <section className="escalation" data-testid="escalation-ladder" aria-label="Escalation">
      <h3>Escalation</h3>
      {view.next && <p className="next-step">{view.next}</p>}
      <ol>
        {view.lines.map((line, i) => (
          <li key={i}>
            <bdi>{line}</bdi>
          </li>
        ))}
      </ol>
    </section>
  );
}
