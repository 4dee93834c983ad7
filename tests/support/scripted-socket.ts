/** An in-memory feed socket a test drives: what the console sent, and what "the gateway" says. */
import { EventEmitter } from 'node:events';
import type { FeedSocket } from '../../main/core/feed/feed-socket.js';

export class ScriptedSocket extends EventEmitter implements FeedSocket {
  sent: Array<Record<string, unknown>> = [];
  terminated = false;
  send(text: string) {
    this.sent.push(JSON.parse(text) as Record<string, unknown>);
  }
  close() {
    this.emit('close', 1000, Buffer.from(''));
  }
  terminate() {
    this.terminated = true;
    this.emit('close', 1006, Buffer.from(''));
  }
  receive(frame: unknown) {
    this.emit('message', Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)), false);
  }
}
