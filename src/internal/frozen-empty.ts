/**
 * The frozen empty array and object that stand for "none" (no events, no links, no attributes) in the
 * modules that need such a placeholder. One of each for all of them: each `Object.freeze` is a call
 * bundlers must keep, and being frozen, one empty value serves every reader as well as several.
 */

/** A frozen empty array, typed to stand in for an array of anything. */
export const EMPTY_ARRAY: never[] = Object.freeze([]) as unknown as never[];

/** A frozen empty object, typed to stand in for a record of anything. */
export const EMPTY_OBJECT: Record<string, never> = Object.freeze({});
