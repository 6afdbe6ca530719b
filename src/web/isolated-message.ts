// A translated message with user text inside it ("Tệp đã chọn: {name} (12 KB)"). Interpolating
// the text into one string and setting textContent would let a file name such as
// "RTL\u202Egnp.exe" reorder the whole sentence; here each user value comes back as its own child,
// so dom.ts's h()/replace() isolate it (<bdi>, controls shown as [U+202E]) and the sentence
// around it keeps its order.
import type { Child } from './dom.js';
import type { Params, Translate } from './i18n.js';

// Private-use characters mark the slots. The user values are put back after the split, so a value
// holding these characters is still one value.
const OPEN = '\uE000';
const CLOSE = '\uE001';

/** `t(key, params)` as children: the parameters named in `userText` are separate strings. */
export function isolatedMessage<K extends string>(t: Translate<K>, key: K, params: Params, userText: readonly string[]): Child[] {
  const slots: Params = { ...params };
  userText.forEach((name, i) => (slots[name] = `${OPEN}${i}${CLOSE}`));
  const parts = t(key, slots).split(new RegExp(`${OPEN}(\\d+)${CLOSE}`));
  // split with a capture group: even indexes are the message's own text, odd ones slot numbers.
  return parts.map((p, i) => (i % 2 === 0 ? p : String(params[userText[Number(p)]!] ?? ''))).filter((p) => p !== '');
}
