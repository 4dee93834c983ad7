/** The D-Bus protocol's plain functions and the Linux choice, in plain Node. */
import { describe, expect, it } from 'vitest';
import type { NotificationRequest } from '../request.js';
import { actionOutcome, explainDbusError, notifyCall, serverFeatures } from './dbus-protocol.js';
import { linuxChoice } from './select.js';

const ALERT = { feedId: 'f', alertId: 'a' };
const REQUEST: NotificationRequest = {
  kind: 'alert',
  title: 'CRITICAL outage: db down',
  body: 'a < b & c',
  urgency: 'critical',
  alert: ALERT,
  acknowledges: [ALERT],
};
const ALL = serverFeatures(['actions', 'body', 'body-markup', 'persistence', 'sound']);
const BARE = serverFeatures(['body']);

describe('notifyCall', () => {
  it('a critical alert: urgency byte 2, never expires, Open and Acknowledge, escaped markup', () => {
    const call = notifyCall(REQUEST, ALL);
    expect(call.hints.urgency).toEqual({ signature: 'y', value: 2 });
    expect(call.expireTimeout).toBe(0);
    expect(call.actions).toEqual(['default', 'Open', 'ack', 'Acknowledge']);
    expect(call.body).toBe('a &lt; b &amp; c');
    expect(call.hints).not.toHaveProperty('sound-name');
  });

  it('a digest says Acknowledge all; a runbook adds Open runbook; a normal one expires by default', () => {
    const digest = notifyCall({ ...REQUEST, alert: undefined, urgency: 'normal', runbook: 'https://r' }, ALL);
    expect(digest.actions).toEqual(['default', 'Open', 'ack', 'Acknowledge all', 'runbook', 'Open runbook']);
    expect(digest.expireTimeout).toBe(-1);
    expect(digest.hints.urgency?.value).toBe(1);
  });

  it('no actions or markup where the server has none; sound-name only with a system sound', () => {
    const call = notifyCall({ ...REQUEST, sound: 'default' }, BARE);
    expect(call.actions).toEqual([]);
    expect(call.body).toBe('a < b & c');
    expect(call.hints['sound-name']).toEqual({ signature: 's', value: 'message-new-instant' });
    expect(notifyCall({ ...REQUEST, tocsinSound: 'critical' }, ALL).hints['suppress-sound']?.value).toBe(true);
    expect(notifyCall({ ...REQUEST, tocsinSound: 'critical' }, BARE).hints).not.toHaveProperty('suppress-sound');
  });

  it('a stack tag per alert only when asked', () => {
    expect(notifyCall(REQUEST, ALL, { stackTag: true }).hints['x-dunst-stack-tag']?.value).toBe('tocsin:f/a');
    expect(notifyCall(REQUEST, ALL).hints).not.toHaveProperty('x-dunst-stack-tag');
  });
});

describe('signals and errors', () => {
  it('action keys map to outcomes', () => {
    expect(actionOutcome('default')).toEqual({ kind: 'open' });
    expect(actionOutcome('open')).toEqual({ kind: 'open' });
    expect(actionOutcome('ack')).toEqual({ kind: 'acknowledge' });
    expect(actionOutcome('runbook')).toEqual({ kind: 'runbook' });
  });

  it('names a missing server and a missing bus', () => {
    const unknown = Object.assign(new Error('not provided'), { type: 'org.freedesktop.DBus.Error.ServiceUnknown' });
    expect(explainDbusError(unknown, 'Notify')).toMatch(/^no notification server owns org\.freedesktop\.Notifications/);
    expect(explainDbusError(new Error('connect ENOENT /run/bus'), 'x')).toMatch(/^cannot connect to the D-Bus/);
  });
});

describe('linuxChoice', () => {
  it('D-Bus only with a bus address and a server that answered', () => {
    expect(linuxChoice(undefined)).toEqual({ kind: 'notify-send', reason: expect.stringMatching(/not set/) });
    expect(linuxChoice('unix:path=/b', { ok: true })).toEqual({ kind: 'dbus' });
    expect(linuxChoice('unix:path=/b', { ok: false, reason: 'no server' })).toEqual({
      kind: 'notify-send',
      reason: 'no server',
    });
  });
});
