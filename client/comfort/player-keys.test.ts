import { describe, expect, it } from 'vitest';
import { playerKey } from './player-keys';

const press = (key: string, mods: Partial<KeyboardEvent> = {}) => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  ...mods,
});

describe('playerKey', () => {
  it('maps the player keys, with or without Shift', () => {
    expect(playerKey(press(' '), null)).toBe('toggle-play');
    expect(playerKey(press('m'), null)).toBe('mute');
    expect(playerKey(press('F'), null)).toBe('full-screen');
    expect(playerKey(press('ArrowLeft'), null)).toBe('back');
    expect(playerKey(press('ArrowUp'), null)).toBe('louder');
    expect(playerKey(press('x'), null)).toBeNull();
  });

  it('leaves keys to the control that has focus', () => {
    const text = { localName: 'input', type: 'text' };
    const slider = { localName: 'input', type: 'range' };
    const button = { localName: 'button' };
    expect(playerKey(press(' '), text)).toBeNull();
    expect(playerKey(press('m'), text)).toBeNull();
    expect(playerKey(press('ArrowLeft'), slider)).toBeNull();
    expect(playerKey(press('m'), slider)).toBe('mute');
    expect(playerKey(press(' '), button)).toBeNull();
    expect(playerKey(press('f'), button)).toBe('full-screen');
    expect(playerKey(press(' '), { localName: 'div', isContentEditable: true })).toBeNull();
    expect(playerKey(press(' '), { localName: 'body' })).toBe('toggle-play');
  });

  it('leaves keys with a modifier to the browser', () => {
    expect(playerKey(press('f', { ctrlKey: true }), null)).toBeNull();
    expect(playerKey(press('ArrowLeft', { altKey: true }), null)).toBeNull();
  });
});
