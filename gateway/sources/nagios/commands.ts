/**
 * Acknowledgements written to Nagios's external command file (a FIFO Nagios reads). Opened
 * without blocking: when Nagios is not running (no reader) the write fails at once with
 * ENXIO, and the console's action fails with `source_failed` instead of hanging.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Nagios's fields are separated by `;` and commands by newlines: neither may come from a person. */
const field = (text: string) => text.replace(/[;\r\n]/g, ' ').slice(0, 1000);

/** The external command line for an acknowledgement or its removal. */
export function ackCommand(
  target: { host: string; service?: string },
  action: { acknowledge: true; author: string; comment: string; sticky: boolean } | { acknowledge: false },
  nowSeconds: number,
): string {
  const object = target.service === undefined ? [field(target.host)] : [field(target.host), field(target.service)];
  const kind = target.service === undefined ? 'HOST' : 'SVC';
  const command = action.acknowledge
    ? // sticky 2 (until OK) or 1; notify 1 (other contacts are told); persistent 1 (kept across restarts).
      [
        `ACKNOWLEDGE_${kind}_PROBLEM`,
        ...object,
        action.sticky ? '2' : '1',
        '1',
        '1',
        field(action.author),
        field(action.comment),
      ]
    : [`REMOVE_${kind}_ACKNOWLEDGEMENT`, ...object];
  return `[${Math.floor(nowSeconds)}] ${command.join(';')}\n`;
}

/** Write one command line to the command file (one write: atomic below PIPE_BUF). */
export async function writeCommand(commandFile: string, line: string): Promise<void> {
  const handle = await open(commandFile, constants.O_WRONLY | constants.O_NONBLOCK | constants.O_APPEND).catch(
    (error: NodeJS.ErrnoException) => {
      throw new Error(
        error.code === 'ENXIO'
          ? `Nagios is not reading its command file ${commandFile} (not running?)`
          : `cannot open Nagios's command file ${commandFile}: ${error.message}`,
      );
    },
  );
  try {
    await handle.write(line);
  } finally {
    await handle.close();
  }
}
