import { describe, expect, it } from 'vitest';
import { autostartCommand, autostartEntry, autostartFile, HIDDEN_ARG, quoteExecArgument } from './autostart.js';

describe('XDG autostart entry', () => {
  it('goes in $XDG_CONFIG_HOME/autostart, else ~/.config/autostart', () => {
    expect(autostartFile({ XDG_CONFIG_HOME: '/cfg' }, '/home/ana')).toBe('/cfg/autostart/tocsin.desktop');
    expect(autostartFile({}, '/home/ana')).toBe('/home/ana/.config/autostart/tocsin.desktop');
    expect(autostartFile({ XDG_CONFIG_HOME: 'relative' }, '/home/ana')).toBe(
      '/home/ana/.config/autostart/tocsin.desktop',
    );
  });

  it('starts the AppImage file itself, not its temporary mount', () => {
    expect(
      autostartCommand({ APPIMAGE: '/home/ana/Apps/Tocsin.AppImage' }, '/tmp/.mount_Tocsin/tocsin', [HIDDEN_ARG]),
    ).toEqual(['/home/ana/Apps/Tocsin.AppImage', '--hidden']);
    expect(autostartCommand({}, '/opt/Tocsin/tocsin', [HIDDEN_ARG])).toEqual(['/opt/Tocsin/tocsin', '--hidden']);
  });

  it('writes a valid desktop entry', () => {
    const entry = autostartEntry({
      name: 'Tocsin',
      comment: 'Operations alert console',
      command: ['/opt/Tocsin/tocsin', '--hidden'],
      icon: 'tocsin',
    });
    expect(entry).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Name=Tocsin',
        'Comment=Operations alert console',
        'Exec=/opt/Tocsin/tocsin --hidden',
        'Icon=tocsin',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        'NoDisplay=false',
        '',
      ].join('\n'),
    );
  });

  it('quotes Exec arguments as the Desktop Entry spec says', () => {
    expect(quoteExecArgument('/home/ana/My Apps/Tocsin.AppImage')).toBe('"/home/ana/My Apps/Tocsin.AppImage"');
    expect(quoteExecArgument('100%')).toBe('100%%');
    expect(quoteExecArgument('a$b')).toBe('"a\\\\$b"'); // file text: "a\\$b"
    expect(quoteExecArgument('say "hi"')).toBe('"say \\\\"hi\\\\""');
    expect(quoteExecArgument('back\\slash')).toBe('"back\\\\\\\\slash"'); // four backslashes in the file
    expect(() => quoteExecArgument('line\nbreak')).toThrow();
  });

  it('keeps a name with a line break on one line (no key injection)', () => {
    const entry = autostartEntry({ name: 'Tocsin\nExec=rm -rf ~', comment: 'c', command: ['/x'] });
    expect(entry.split('\n').filter((line) => line.startsWith('Exec='))).toEqual(['Exec=/x']);
  });
});
