import { describe, expect, it } from 'vitest';
import type { NotificationRequest } from '../request.js';
import { NotifySendNotifier } from './linux.js';
import { NodeNotifierNotifier, outcomeOf, type NotifyFunction } from './node-notifier.js';
import { notifierFor } from './select.js';

const ALERT: NotificationRequest = {
  kind: 'alert',
  title: 'CRITICAL security: x',
  body: '',
  urgency: 'critical',
  alert: { feedId: 'f', alertId: 'a' },
  acknowledges: [{ feedId: 'f', alertId: 'a' }],
  sound: 'Basso',
};

/** A node-notifier stand-in that records the options and answers like the platform would. */
function fake(answer: Parameters<Parameters<NotifyFunction>[1]>) {
  const seen: Array<Record<string, unknown>> = [];
  const notify: NotifyFunction = (options, callback) => {
    seen.push(options);
    setImmediate(() => callback(...answer));
  };
  return { notify, seen };
}

describe('NodeNotifierNotifier (macOS, Windows)', () => {
  it('offers Acknowledge and Open, waits for the answer, passes the app id and sound, and always passes a callback', async () => {
    const { notify, seen } = fake([
      null,
      'activate',
      { activationType: 'actionClicked', activationValue: 'Acknowledge' },
    ]);
    const shown: unknown[] = [];
    const outcome = await new NodeNotifierNotifier({ appId: 'dev.tocsin.console', notify }).show(ALERT, {
      shown: () => shown.push('shown'),
    });
    expect(outcome).toEqual({ kind: 'acknowledge' });
    expect(shown).toEqual(['shown']);
    expect(seen[0]).toMatchObject({
      title: 'CRITICAL security: x',
      message: ' ',
      appID: 'dev.tocsin.console',
      wait: true,
      actions: ['Acknowledge', 'Open'],
      sound: 'Basso',
    });
    const digest = await new NodeNotifierNotifier({ appId: 'x', notify }).show({
      kind: 'digest',
      title: 't',
      body: 'b',
      urgency: 'normal',
    });
    expect(digest).toEqual({ kind: 'acknowledge' });
    expect(seen[1]).not.toHaveProperty('actions');
  });

  it('maps what macOS and Windows report to outcomes', () => {
    expect(outcomeOf('activate', { activationType: 'actionClicked', activationValue: 'Acknowledge' })).toEqual({
      kind: 'acknowledge',
    }); // macOS button
    expect(outcomeOf('activate', { activationType: 'contentsClicked' })).toEqual({ kind: 'open' }); // macOS body click
    expect(outcomeOf('acknowledge', {})).toEqual({ kind: 'acknowledge' }); // Windows button
    expect(outcomeOf('open', {})).toEqual({ kind: 'open' });
    expect(outcomeOf('timeout', {})).toEqual({ kind: 'dismissed' });
    expect(outcomeOf('dismissed', {})).toEqual({ kind: 'dismissed' });
    expect(outcomeOf(undefined, undefined)).toEqual({ kind: 'shown' });
  });

  it('reports an error from the callback, or a throw, as failed with its message', async () => {
    const { notify } = fake([new Error('Notification Center is not available'), undefined, undefined]);
    expect(await new NodeNotifierNotifier({ appId: 'x', notify }).show(ALERT)).toEqual({
      kind: 'failed',
      reason: 'native notification failed: Notification Center is not available',
    });
    const throwing: NotifyFunction = () => {
      throw new Error('spawn EACCES');
    };
    expect(await new NodeNotifierNotifier({ appId: 'x', notify: throwing }).show(ALERT)).toEqual({
      kind: 'failed',
      reason: 'native notification failed: spawn EACCES',
    });
  });
});

describe('notifierFor', () => {
  it('uses notify-send on Linux (actions work there) and node-notifier on macOS and Windows', () => {
    expect(notifierFor('linux', 'id')).toBeInstanceOf(NotifySendNotifier);
    expect(notifierFor('darwin', 'id')).toBeInstanceOf(NodeNotifierNotifier);
    expect(notifierFor('win32', 'id')).toBeInstanceOf(NodeNotifierNotifier);
  });
});
