/*
 * Helpers for this chunk's custom elements. They are plain custom elements, not Lit ones: any
 * module this chunk shares with the first page (Lit, the shared styles) makes the bundler
 * (rolldown 1.2, rolldown/rolldown#10731) move it out of the first page into a common chunk,
 * which costs the room's budget some 0.8 KB gzip.
 */

type Props<K extends keyof HTMLElementTagNameMap> = Partial<
  Omit<HTMLElementTagNameMap[K], 'style'>
>;

/** Makes an element with properties set, e.g. `make('button', {type: 'button'}, 'Mute')`. */
export function make<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props<K> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = Object.assign(document.createElement(tag), props);
  element.append(...children);
  return element;
}

/** An open shadow root that adopts `cssText`; custom properties (--lc-…) inherit from the page. */
export function shadowWith(host: HTMLElement, cssText: string): ShadowRoot {
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(cssText);
  root.adoptedStyleSheets = [sheet];
  return root;
}

/**
 * The room's template sets properties before this chunk defines the element; they sit on the
 * instance and would hide the class's accessors. Re-assigning them runs the accessors.
 */
export function adoptProperties(host: HTMLElement, names: readonly string[]): void {
  const own = host as unknown as Record<string, unknown>;
  for (const name of names) {
    if (!Object.hasOwn(host, name)) continue;
    const value = own[name];
    delete own[name];
    own[name] = value;
  }
}
