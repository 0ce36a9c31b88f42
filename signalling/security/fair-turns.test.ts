import { describe, expect, it } from 'vitest';
import { FairTurns } from './fair-turns';

/** Turns end only when the test says so. */
function manualTurns(perTurn: number) {
  const ends: (() => void)[] = [];
  const errors: unknown[] = [];
  const turns = new FairTurns(
    perTurn,
    (err) => errors.push(err),
    (fn) => ends.push(fn),
  );
  const ran: string[] = [];
  const endTurn = (): void => {
    const pending = ends.splice(0);
    for (const fn of pending) fn();
  };
  return { turns, ran, errors, endTurn, job: (name: string) => () => ran.push(name) };
}

describe('FairTurns', () => {
  it("starts an address's first requests of a turn at once and the rest in later turns, in order", () => {
    const { turns, ran, endTurn, job } = manualTurns(2);
    for (const n of [1, 2, 3, 4, 5]) turns.run('flood', job(`f${n}`));
    expect(ran).toEqual(['f1', 'f2']);
    expect(turns.waiting).toBe(3);
    endTurn();
    expect(ran).toEqual(['f1', 'f2', 'f3', 'f4']);
    endTurn();
    expect(ran).toEqual(['f1', 'f2', 'f3', 'f4', 'f5']);
    expect(turns.waiting).toBe(0);
  });

  it("starts another address's request at once while one address waits for its turns", () => {
    const { turns, ran, job } = manualTurns(2);
    for (const n of [1, 2, 3, 4]) turns.run('flood', job(`f${n}`));
    turns.run('household', job('health'));
    expect(ran).toEqual(['f1', 'f2', 'health']);
  });

  it('counts what a turn started against the requests that arrive before the next turn', () => {
    const { turns, ran, endTurn, job } = manualTurns(2);
    for (const n of [1, 2, 3, 4]) turns.run('flood', job(`f${n}`));
    endTurn();
    // f3 and f4 started in that turn: a request arriving now waits for the next one.
    turns.run('flood', job('f5'));
    expect(ran).toEqual(['f1', 'f2', 'f3', 'f4']);
    endTurn();
    expect(ran).toEqual(['f1', 'f2', 'f3', 'f4', 'f5']);
  });

  it('serves waiting addresses one request each in turn', () => {
    const { turns, ran, endTurn, job } = manualTurns(2);
    for (const n of [1, 2, 3, 4]) turns.run('a', job(`a${n}`));
    for (const n of [1, 2, 3, 4]) turns.run('b', job(`b${n}`));
    expect(ran).toEqual(['a1', 'a2', 'b1', 'b2']);
    endTurn();
    expect(ran.slice(4)).toEqual(['a3', 'b3', 'a4', 'b4']);
  });

  it("does not let one request's throw cost the others their start", () => {
    const { turns, ran, errors, endTurn, job } = manualTurns(1);
    turns.run('a', job('a1'));
    turns.run('a', () => {
      throw new Error('boom');
    });
    turns.run('a', job('a3'));
    endTurn();
    endTurn();
    expect(ran).toEqual(['a1', 'a3']);
    expect(errors).toHaveLength(1);
  });

  it('runs on the real event loop: every request starts', async () => {
    const turns = new FairTurns(2, (err) => {
      throw err;
    });
    const started = await Promise.all(
      Array.from({ length: 10 }, (_, i) => new Promise((r) => turns.run('a', () => r(i)))),
    );
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
