/**
 * The state gallery's page: a heading per widget, a labelled card per "widget — state" (or the reason a state does
 * not apply), a light/dark switch and a token playground. Tokens are set through CSSOM on a constructed stylesheet
 * adopted by the document (no `style` attributes: the page works under the kit's strict CSP), so every widget's
 * shadow root picks them up by inheritance.
 */
import { GALLERY, GALLERY_STATES, STATE_LABELS, type GalleryWidget, type GalleryState, type Scenario } from './gallery.scenarios.js';
import { createStage, type Stage } from './gallery.stage.js';

/** A token the playground edits: its custom property, label and input type. */
export interface TokenInput {
  readonly name: string;
  readonly label: string;
  readonly type: 'color' | 'text';
  readonly value: string;
}

export const PLAYGROUND_TOKENS: readonly TokenInput[] = [
  { name: '--darkswap-color-accent', label: 'Accent colour', type: 'color', value: '#4338ca' },
  { name: '--darkswap-color-bg', label: 'Background', type: 'color', value: '#ffffff' },
  { name: '--darkswap-color-surface', label: 'Surface', type: 'color', value: '#f5f6f8' },
  { name: '--darkswap-color-text', label: 'Text', type: 'color', value: '#15171c' },
  { name: '--darkswap-color-border', label: 'Border', type: 'color', value: '#c9ced6' },
  { name: '--darkswap-color-danger', label: 'Danger', type: 'color', value: '#b3261e' },
  { name: '--darkswap-radius', label: 'Corner radius', type: 'text', value: '0.5rem' },
  { name: '--darkswap-font-family', label: 'Font family', type: 'text', value: 'system-ui, sans-serif' },
  { name: '--darkswap-font-size', label: 'Font size', type: 'text', value: '0.9375rem' },
  { name: '--darkswap-target-size', label: 'Touch target size', type: 'text', value: '2.75rem' },
];

/** How a card ended: `shown` once its widget reached the state. */
export type CardResult = { widget: string; state: GalleryState; status: 'shown' | 'not-applicable' | 'failed'; error?: string };

function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, unknown> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const el: HTMLElementTagNameMap[K] = document.createElement(tag);
  Object.assign(el, props);
  el.append(...children);
  return el;
}

/** The playground's rules: one `:root` rule in a constructed sheet adopted by the document. */
function tokenSheet(): CSSStyleRule {
  const sheet = new CSSStyleSheet();
  // `:root:root` outranks the kit's zero-specificity tokens, light and dark alike.
  sheet.insertRule(':root:root {}');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  return sheet.cssRules[0] as CSSStyleRule;
}

function themeSwitch(): HTMLElement {
  const root = document.documentElement;
  const button = h('button', { type: 'button', id: 'theme-switch', className: 'control' });
  const isDark = () =>
    root.classList.contains('darkswap-theme-dark') || (!root.classList.contains('darkswap-theme-light') && matchMedia('(prefers-color-scheme: dark)').matches);
  const show = () => {
    button.setAttribute('aria-pressed', String(isDark()));
    button.textContent = 'Dark theme';
  };
  button.addEventListener('click', () => {
    const dark = !isDark();
    root.classList.toggle('darkswap-theme-dark', dark);
    root.classList.toggle('darkswap-theme-light', !dark);
    show();
  });
  show();
  return button;
}

function playground(): HTMLElement {
  const rule = tokenSheet();
  const fields = PLAYGROUND_TOKENS.map((token) => {
    const id = `token${token.name.replace(/^--darkswap/, '')}`;
    const input = h('input', { id, type: token.type, value: token.value, className: 'token-input' });
    input.dataset.token = token.name;
    input.addEventListener('input', () => {
      if (input.value.trim()) rule.style.setProperty(token.name, input.value.trim());
      else rule.style.removeProperty(token.name);
    });
    const code = h('code', {}, token.name);
    return h('div', { className: 'token' }, h('label', { htmlFor: id }, `${token.label} `, code), input);
  });
  const reset = h('button', { type: 'button', id: 'reset-tokens', className: 'control' }, 'Reset tokens');
  reset.addEventListener('click', () => {
    for (const token of PLAYGROUND_TOKENS) rule.style.removeProperty(token.name);
    for (const input of fields.map((f) => f.querySelector('input')!)) input.value = PLAYGROUND_TOKENS.find((t) => t.name === input.dataset.token)!.value;
  });
  const intro = h('p', {}, 'Changes apply to every widget below at once. Only the tokens you change are set; Reset removes them.');
  return h('details', { id: 'playground' }, h('summary', {}, 'Token playground'), intro, h('div', { className: 'tokens' }, ...fields), reset);
}

function card(widget: GalleryWidget, state: GalleryState, entry: Scenario | string): { node: HTMLElement; slot: HTMLElement; status: HTMLElement } {
  const id = `${widget.tag.replace(/^darkswap-/, '')}--${state}`;
  const title = h('h3', { id: `${id}-title` }, `${widget.name} — ${STATE_LABELS[state]}`);
  const note = h('p', { className: 'note' }, typeof entry === 'string' ? `Does not apply: ${entry}` : entry.note);
  const status = h('p', { className: 'card-status', role: 'status' });
  const slot = h('div', { className: 'slot' });
  const node = h('section', { id, className: 'card' }, title, note, status, slot);
  node.setAttribute('aria-labelledby', title.id);
  node.dataset.widget = widget.tag;
  node.dataset.state = state;
  node.dataset.status = typeof entry === 'string' ? 'not-applicable' : 'building';
  return { node, slot, status };
}

async function show(stage: Stage, scenario: Scenario, c: ReturnType<typeof card>): Promise<void> {
  try {
    c.status.textContent = 'Building…';
    const { el, settle } = await scenario.build(stage);
    c.slot.append(el);
    await settle?.();
    await (el as unknown as { updateComplete?: Promise<unknown> }).updateComplete;
    c.node.dataset.status = 'shown';
    c.status.textContent = '';
  } catch (error) {
    c.node.dataset.status = 'failed';
    c.status.textContent = `This state could not be built: ${error instanceof Error ? error.message : String(error)}`;
    throw error;
  }
}

/**
 * Renders the gallery into `root`; resolves with every card's result once all have settled. Cards build a few at a
 * time so the page stays responsive.
 */
export async function renderGallery(root: HTMLElement, options: { only?: readonly string[] } = {}): Promise<CardResult[]> {
  const backstage = h('div', { hidden: true, id: 'backstage' });
  const stage = createStage(backstage);
  const controls = h('div', { className: 'controls' }, themeSwitch());
  const nav = h('nav', { ariaLabel: 'Widgets' });
  const list = h('ul');
  nav.append(list);
  root.append(controls, playground(), nav);
  const jobs: (() => Promise<CardResult>)[] = [];
  const results: CardResult[] = [];
  for (const widget of GALLERY.filter((w) => !options.only || options.only.includes(w.tag))) {
    const sectionId = `w-${widget.tag.replace(/^darkswap-/, '')}`;
    list.append(h('li', {}, h('a', { href: `#${sectionId}` }, widget.name)));
    const heading = h('h2', { id: `${sectionId}-title` }, widget.name, ' ', h('code', {}, `<${widget.tag}>`));
    const grid = h('div', { className: 'grid' });
    const skipped = h('ul', { className: 'not-applicable' });
    const section = h('section', { id: sectionId, className: 'widget' }, heading, grid);
    section.setAttribute('aria-labelledby', heading.id);
    for (const state of GALLERY_STATES) {
      const entry = widget.states[state];
      if (entry === undefined) continue;
      const c = card(widget, state, entry);
      if (typeof entry === 'string') {
        skipped.append(h('li', { id: c.node.id, className: 'skipped' }, h('strong', {}, STATE_LABELS[state]), `: ${entry}`));
        skipped.lastElementChild!.setAttribute('data-widget', widget.tag);
        skipped.lastElementChild!.setAttribute('data-state', state);
        results.push({ widget: widget.tag, state, status: 'not-applicable' });
        continue;
      }
      grid.append(c.node);
      jobs.push(() =>
        show(stage, entry, c).then(
          (): CardResult => ({ widget: widget.tag, state, status: 'shown' }),
          (error: unknown): CardResult => ({ widget: widget.tag, state, status: 'failed', error: String(error) }),
        ),
      );
    }
    if (skipped.childElementCount) section.append(h('h3', { className: 'skipped-title' }, 'States that do not apply'), skipped);
    root.append(section);
  }
  root.append(backstage);
  // A few at a time: each scenario awaits timers and key generation.
  const queue = [...jobs];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) results.push(await job());
    }),
  );
  return results;
}
