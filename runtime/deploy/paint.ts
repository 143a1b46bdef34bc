/**
 * Colour in what the deploy's reporters and the plan's text print, as a function handed in by whoever knows
 * the terminal (the CLI's `paintFor`): the reporters only say which colour a piece of text means.
 */
import type { Action } from '../../lib';

/** The colours used: create, update, delete and replace. */
export type Colour = 'green' | 'yellow' | 'red';

/** Paints text in a colour, or returns it as it is. */
export type Paint = (colour: Colour, text: string) => string;

/** Text as it is. */
export const noPaint: Paint = (_colour, text) => text;

/** What each action is painted: green create, yellow update, red delete and replace. */
export const ACTION_COLOUR: Record<Action, Colour> = {
  create: 'green',
  update: 'yellow',
  delete: 'red',
  replace: 'red',
};
