import { describe, expect, it } from 'vitest';
import type { NotificationRequest } from '../request.js';
import { NodeNotifierNotifier, type NotifyFunction } from './node-notifier.js';
import { notifierFor, notifierKind } from './select.js';
import { ShellNotifier } from './shell.js';

const ALERT: NotificationRequest = {
  kind: 'alert',
  title: 'CRITICAL: x',
  body: 'b',
  urgency: 'critical',
  alert: { feedId: 'f', alertId: 'a' },
  acknowledges: [{ feedId: 'f', alertId: 'a' }],
};

describe('ShellNotifier (the Electron shell shows them)', () => {
  it('forwards each request with its own id and settles it with the shell’s answer', async () => {
    const sent: Array<[string, NotificationRequest]> = [];
    const notifier = new ShellNotifier((id, request) => sent.push([id, request]));
    const shown: unknown[] = [];
    const first = notifier.show(ALERT, { shown: (detail) => shown.push(detail ?? 'shown') });
    const second = notifier.show(ALERT);
    expect(sent).toHaveLength(2);
    expect(sent[0]![0]).not.toBe(sent[1]![0]);
    notifier.answer(sent[0]![0], { kind: 'on-screen' });
    notifier.answer(sent[0]![0], { kind: 'acknowledge' });
    notifier.answer(sent[1]![0], { kind: 'failed', reason: 'unsigned app' });
    await expect(first).resolves.toEqual({ kind: 'acknowledge' });
    await expect(second).resolves.toEqual({ kind: 'failed', reason: 'unsigned app' });
    expect(shown).toEqual(['shown']);
    notifier.answer('an earlier core’s id', { kind: 'open' }); // ignored
  });

  it('close() stops waiting: what is on screen settles as shown, so quitting is not held', async () => {
    const notifier = new ShellNotifier(() => {});
    const pending = notifier.show(ALERT);
    await notifier.close();
    await expect(pending).resolves.toEqual({ kind: 'shown' });
  });
});

describe('NodeNotifierNotifier.close (item 5: quitting waited on helpers)', () => {
  it('settles notifications whose helper has not answered, and ignores a late answer', async () => {
    let answer: Parameters<NotifyFunction>[1] = () => {};
    const notify: NotifyFunction = (_options, callback) => {
      answer = callback; // the helper never exits by itself here
    };
    const notifier = new NodeNotifierNotifier({ appId: 'dev.tocsin.console', notify });
    const pending = notifier.show(ALERT);
    await notifier.close();
    await expect(pending).resolves.toEqual({ kind: 'shown' });
    answer(null, 'activate', { activationType: 'actionClicked', activationValue: 'Acknowledge' }); // no throw, no effect
  });
});

describe('notifierKind', () => {
  it('Linux: notify-send; macOS and Windows: the shell’s Electron Notification, node-notifier without a shell', () => {
    expect(notifierKind('linux', true)).toBe('notify-send');
    expect(notifierKind('darwin', true)).toBe('shell');
    expect(notifierKind('win32', true)).toBe('shell');
    expect(notifierKind('darwin', false)).toBe('node-notifier');
    expect(notifierKind('win32', false)).toBe('node-notifier');
  });

  it('notifierFor hands back the shell’s notifier where the shell shows them', () => {
    const shell = new ShellNotifier(() => {});
    expect(notifierFor('darwin', 'id', undefined, shell)).toBe(shell);
    expect(notifierFor('win32', 'id')).toBeInstanceOf(NodeNotifierNotifier);
  });
});

describe('Open runbook (the alert’s https runbook, policy.ts)', () => {
  const withRunbook: NotificationRequest = { ...ALERT, runbook: 'https://runbooks.example.com/disk' };

  it('notify-send offers it and reports it', async () => {
    const { notifySendArgs } = await import('./notify-send-text.js');
    expect(notifySendArgs(withRunbook)).toContain('--action=runbook=Open runbook');
    expect(notifySendArgs(ALERT)).not.toContain('--action=runbook=Open runbook');
  });

  it('node-notifier offers it after Open and maps the answer on macOS and Windows', async () => {
    const { outcomeOf } = await import('./node-notifier.js');
    let seen: Record<string, unknown> = {};
    const notify: NotifyFunction = (options, callback) => {
      seen = options;
      setImmediate(() => callback(null, 'open runbook'));
    };
    const outcome = await new NodeNotifierNotifier({ appId: 'x', notify }).show(withRunbook);
    expect(seen.actions).toEqual(['Acknowledge', 'Open', 'Open runbook']);
    expect(outcome).toEqual({ kind: 'runbook' });
    expect(outcomeOf('activate', { activationType: 'actionClicked', activationValue: 'Open runbook' })).toEqual({
      kind: 'runbook',
    });
  });
});
