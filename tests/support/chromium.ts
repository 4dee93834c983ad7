/**
 * How every test, benchmark and script here launches Debian's Chromium: its own binary (no
 * browser download), and no background networking (this machine's network is closed, and
 * Chromium's own connections would be refused many at a time).
 */
export const CHROMIUM_LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};
