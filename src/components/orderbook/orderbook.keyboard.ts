/**
 * Keyboard and focus in `<darkswap-orderbook>`'s two virtualized lists: one tab stop per list (a roving
 * tabindex over the rows), arrows, Home, End, PageUp and PageDown move it, ArrowRight expands and
 * ArrowLeft collapses a price level. Rows outside the rendered range are scrolled in before focusing.
 */
import type { ReactiveControllerHost } from 'lit';
import { virtualizerRef, type VirtualizerHostElement } from '@lit-labs/virtualizer/virtualize.js';
import type { Side } from '../../features/orderbook/orderbook.types.js';
import type { BookRow } from './orderbook.view.js';

export interface RovingFocusHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface RovingFocusOptions {
  /** The rows of one side's list as rendered now. */
  rows(side: Side): readonly BookRow[] | undefined;
  /** Expand or collapse a price level. */
  toggleLevel(key: string): void;
}

export class RovingFocus {
  /** The index of the row holding each list's tab stop. */
  private active: Record<Side, number> = { buy: 0, sell: 0 };

  constructor(
    private readonly host: RovingFocusHost,
    private readonly options: RovingFocusOptions,
  ) {}

  /** The tabindex of row `index` of one side's list. */
  tabIndex(side: Side, index: number): '0' | '-1' {
    return this.active[side] === index ? '0' : '-1';
  }

  /** Back to the first row of both lists (another pair). */
  reset(): void {
    this.set({ buy: 0, sell: 0 });
  }

  /** Keep each list's tab stop on a row that exists after the rows changed. */
  clamp(rows: Record<Side, readonly BookRow[]>): void {
    for (const side of ['buy', 'sell'] as const) {
      const length = rows[side].length;
      if (this.active[side] >= length && length) this.set({ ...this.active, [side]: length - 1 });
    }
  }

  onKeydown(side: Side, event: KeyboardEvent): void {
    const rows = this.options.rows(side);
    if (!rows?.length) return;
    const current = this.active[side];
    let next = current;
    if (event.key === 'ArrowDown') next = Math.min(rows.length - 1, current + 1);
    else if (event.key === 'ArrowUp') next = Math.max(0, current - 1);
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = rows.length - 1;
    else if (event.key === 'PageDown') next = Math.min(rows.length - 1, current + 10);
    else if (event.key === 'PageUp') next = Math.max(0, current - 10);
    else if ((event.key === 'ArrowRight' || event.key === 'ArrowLeft') && rows[current]?.kind === 'level') {
      const row = rows[current];
      if (row.kind === 'level' && row.expanded === (event.key === 'ArrowLeft')) this.options.toggleLevel(row.key);
      event.preventDefault();
      return;
    } else return;
    event.preventDefault();
    this.set({ ...this.active, [side]: next });
    this.focusActive(side);
  }

  onFocusin(side: Side, event: FocusEvent): void {
    const index = Number((event.target as HTMLElement).dataset?.index);
    if (Number.isInteger(index) && index !== this.active[side]) this.set({ ...this.active, [side]: index });
  }

  /** Focus the tab stop of one side's list, scrolling its row into the rendered range first. */
  focusActive(side: Side): void {
    const list = this.host.renderRoot.querySelector<VirtualizerHostElement>(`[data-list="${side}"]`);
    const index = this.active[side];
    list?.[virtualizerRef]?.element(index)?.scrollIntoView({ block: 'nearest' });
    let tries = 0;
    const attempt = () => {
      const control = list?.querySelector<HTMLElement>(`[data-index="${index}"]`);
      if (control) control.focus();
      else if (tries++ < 10) requestAnimationFrame(attempt);
    };
    void this.host.updateComplete.then(attempt);
  }

  private set(active: Record<Side, number>): void {
    this.active = active;
    this.host.requestUpdate();
  }
}
