import { describe, expect, it } from 'vitest';
import type { NotificationRequest } from '../core/notify/request.js';
import {
  actionAt,
  actionsOf,
  activationArguments,
  macNotificationOptions,
  parseActivation,
  shellShowsNotifications,
  windowsToastXml,
} from './notification-view.js';

const alert = { feedId: 'prod', alertId: 'disk&<full>' };
const single: NotificationRequest = {
  kind: 'alert',
  title: 'CRITICAL: disk full <db-1>',
  body: 'db-1 & db-2 "at" 99%',
  urgency: 'critical',
  alert,
  covers: [alert],
  acknowledges: [alert],
};

describe('actions', () => {
  it('Acknowledge then Open for an alert; Acknowledge all for a digest; only Open when nothing to acknowledge', () => {
    expect(actionsOf(single).map((a) => a.label)).toEqual(['Acknowledge', 'Open']);
    const { alert: _none, ...digest } = single;
    expect(actionsOf({ ...digest, kind: 'digest' }).map((a) => a.label)).toEqual(['Acknowledge all', 'Open']);
    const { acknowledges: _nothing, ...feedLost } = single;
    expect(actionsOf({ ...feedLost, kind: 'feed-lost' }).map((a) => a.label)).toEqual(['Open']);
    expect(actionAt(single, 0)).toBe('acknowledge');
    expect(actionAt(single, 1)).toBe('open');
    expect(actionAt(single, 5)).toBeNull();
  });

  it('macOS options carry the buttons and the id', () => {
    expect(macNotificationOptions(single, 'n1')).toMatchObject({
      id: 'n1',
      title: single.title,
      actions: [
        { type: 'button', text: 'Acknowledge' },
        { type: 'button', text: 'Open' },
      ],
    });
  });
});

describe('windowsToastXml', () => {
  it('escapes the text and carries the alert in every activation', () => {
    const xml = windowsToastXml(single, 'n1');
    expect(xml).toContain('<text>CRITICAL: disk full &lt;db-1&gt;</text>');
    expect(xml).toContain('<text>db-1 &amp; db-2 &quot;at&quot; 99%</text>');
    expect(xml).toContain('scenario="urgent"'); // breaks through Do Not Disturb; reminder needs background buttons
    expect(xml).not.toMatch(/<db-1>|&(?!amp;|lt;|gt;|quot;|apos;)/);
    const args = [...xml.matchAll(/(?:arguments|launch)="([^"]*)"/g)].map((m) =>
      m[1]!.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'),
    );
    expect(args.map(parseActivation)).toEqual([
      { id: 'n1', action: 'open', alert, runbook: null },
      { id: 'n1', action: 'acknowledge', alert, runbook: null },
      { id: 'n1', action: 'open', alert, runbook: null },
    ]);
  });

  it("keeps Electron's own keys, which its activation parser reads (type, action, tag)", () => {
    const args = activationArguments('action', 0, 'n1', 'acknowledge', alert);
    expect(args.startsWith('type=action&action=0&tag=n1&')).toBe(true);
  });
});

describe('Open runbook', () => {
  const withRunbook: NotificationRequest = { ...single, runbook: 'https://runbooks.example.com/disk?x=1&y=2' };

  it('comes after Open when the alert has a runbook, and its activation carries the URL', () => {
    expect(actionsOf(withRunbook).map((a) => a.label)).toEqual(['Acknowledge', 'Open', 'Open runbook']);
    expect(actionAt(withRunbook, 2)).toBe('runbook');
    const args = activationArguments('action', 2, 'n1', 'runbook', alert, withRunbook.runbook);
    expect(parseActivation(args)).toEqual({ id: 'n1', action: 'runbook', alert, runbook: withRunbook.runbook });
    expect(windowsToastXml(withRunbook, 'n1')).toContain('content="Open runbook"');
  });
});

describe('parseActivation', () => {
  it("ignores arguments that are not Tocsin's", () => {
    expect(parseActivation('type=click&tag=x')).toBeNull();
    expect(parseActivation('')).toBeNull();
    expect(parseActivation('tag=x&do=delete')).toBeNull();
  });
});

describe('shellShowsNotifications', () => {
  it('macOS and Windows: Electron’s Notification; Linux: notify-send in the core', () => {
    expect(shellShowsNotifications('darwin')).toBe(true);
    expect(shellShowsNotifications('win32')).toBe(true);
    expect(shellShowsNotifications('linux')).toBe(false);
  });
});
