/**
 * A board's lifecycle as explicit states (labgrid's strategy idea): off -> powered -> deployed ->
 * ready, plus failed and quarantined. Only the transitions below are legal; power-cycling through
 * the supply channel (-> off -> powered) is the way back to a known state from anywhere except
 * quarantine, which only an explicit release leaves.
 */
import { EveError } from '@eve-bench/device-agent';

export const BOARD_STATES = ['off', 'powered', 'deployed', 'ready', 'failed', 'quarantined'] as const;
export type BoardState = (typeof BOARD_STATES)[number];

const LEGAL: Record<BoardState, readonly BoardState[]> = {
  off: ['powered', 'quarantined'],
  // A board that answers its hello after power-up is ready (its firmware already runs a package);
  // deploying a new package goes through `deployed` first.
  powered: ['deployed', 'ready', 'failed', 'off'],
  deployed: ['ready', 'failed', 'off'],
  ready: ['deployed', 'failed', 'off'],
  failed: ['off', 'quarantined'],
  quarantined: ['off'],
};

export interface Transition {
  board: string;
  from: BoardState;
  to: BoardState;
  reason: string;
}

export class BoardLifecycle {
  private current: BoardState;
  constructor(readonly board: string, initial: BoardState = 'off', private readonly onTransition: (t: Transition) => void = () => undefined) {
    this.current = initial;
  }

  get state(): BoardState {
    return this.current;
  }

  canMove(to: BoardState): boolean {
    return LEGAL[this.current].includes(to);
  }

  /** Moves to `to` or throws BOARD_ILLEGAL_TRANSITION; staying in the same state is not a move. */
  move(to: BoardState, reason: string): void {
    if (!this.canMove(to)) {
      throw new EveError('BOARD_ILLEGAL_TRANSITION', `board ${this.board}: cannot go from ${this.current} to ${to} (${reason}); legal: ${LEGAL[this.current].join(', ')}`);
    }
    const from = this.current;
    this.current = to;
    this.onTransition({ board: this.board, from, to, reason });
  }
}
