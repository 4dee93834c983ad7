/**
 * Runs inside the page (passed to page.evaluate, so it must not reference anything outside
 * itself): every visible text measured against the background it is drawn on, as WCAG 2
 * defines contrast. Type-checked with the DOM library (tsconfig.web.json), not Node's.
 */
export type ContrastReport = { checked: number; lowest: number; failures: string[] };

/** How many texts were measured, the lowest ratio, and those below AA (4.5:1; 3:1 for large text: 24 px, or 18.66 px bold). */
export function measureContrastInPage(): ContrastReport {
  type RGBA = [number, number, number, number];
  const parse = (css: string): RGBA => {
    const m = css.match(/rgba?\(([^)]+)\)/);
    if (!m) throw new Error(`unexpected colour ${css}`);
    const [r, g, b, a] = m[1]!
      .split(/[ ,/]+/)
      .filter(Boolean)
      .map(Number);
    return [r!, g!, b!, a ?? 1];
  };
  /** Alpha-composite `top` over `bottom`. */
  const over = (top: RGBA, bottom: RGBA): RGBA => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    return [0, 1, 2]
      .map((i) => (top[i]! * top[3] + bottom[i]! * bottom[3] * (1 - top[3])) / (a || 1))
      .concat(a) as RGBA;
  };
  /** The colour an element's text is drawn on: its and its ancestors' backgrounds, over white. */
  const background = (element: Element | null): RGBA => {
    const chain: RGBA[] = [];
    for (let e = element; e; e = e.parentElement) chain.push(parse(getComputedStyle(e).backgroundColor));
    return chain.reduceRight<RGBA>((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const luminance = ([r, g, b]: RGBA) => {
    const lin = (c: number) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  };

  const failures: string[] = [];
  let lowest = Infinity;
  let checked = 0;
  const seen = new Set<Element>();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    const text = node.textContent?.trim();
    if (!element || !text || seen.has(element)) continue;
    seen.add(element);
    if (element.closest('.visually-hidden, option, [aria-hidden="true"]')) continue;
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.bottom < 0 || box.top > innerHeight) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
    const bg = background(element);
    const fg = over(parse(style.color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi! + 0.05) / (lo! + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    checked++;
    lowest = Math.min(lowest, ratio);
    if (ratio < (large ? 3 : 4.5))
      failures.push(
        `${ratio.toFixed(2)}:1 "${text.slice(0, 40)}" (${element.tagName.toLowerCase()}.${element.className})`,
      );
  }
  return { checked, lowest, failures };
}
