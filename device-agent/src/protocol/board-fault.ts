import { EveError } from '../errors/eve-error.js';

/** A refused request: `nak` is the NakCode the agent answers with. */
export class BoardFault extends EveError {
  constructor(readonly nak: number, message: string, cause?: unknown) {
    super('BOARD_FAULT', message, { cause });
  }
}
