/**
 * The strength check of a PFX password an admin chooses (issue 16 item 10): at least
 * MIN_EXPORT_PASSWORD_LENGTH characters and a zxcvbn score of at least 3 of 4 ("safely
 * unguessable"), with zxcvbn's own advice as the message. Server-side: the dictionaries stay out of
 * the browser bundle.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';

export const MIN_EXPORT_PASSWORD_LENGTH = 12;
export const MIN_EXPORT_PASSWORD_SCORE = 3;

let checker: ZxcvbnFactory | null = null;
const zxcvbn = () =>
  (checker ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
    graphs: common.adjacencyGraphs,
    translations: en.translations,
  }));

/** Null when strong enough; otherwise one sentence that says what to change. */
export function weakPfxPasswordProblem(password: string, context: string[] = []): string | null {
  if (password.length < MIN_EXPORT_PASSWORD_LENGTH)
    return `Use at least ${MIN_EXPORT_PASSWORD_LENGTH} characters (this one has ${password.length}); a few unrelated words work well.`;
  const r = zxcvbn().check(password, context);
  if (r.score >= MIN_EXPORT_PASSWORD_SCORE) return null;
  const advice = [r.feedback.warning, ...r.feedback.suggestions].filter(Boolean).join(' ');
  return `This password is easy to guess${advice ? `: ${advice}` : '.'}`;
}
