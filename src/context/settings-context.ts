/**
 * The settings context: the page's `SettingsStore` (features/settings), provided by `<darkswap-connection
 * settings="name">` (or `provideSettings`) to every widget inside it. Created from a global, versioned symbol so
 * two copies of the kit agree.
 */
import { ContextProvider, createContext } from '@lit/context';
import type { SettingsStore } from '../features/settings/settings.store.js';

export const settingsContext = createContext<SettingsStore | undefined>(Symbol.for('darkswap.settings.v1'));

export interface SettingsProvision {
  set(value: SettingsStore | undefined): void;
}

/** Provide a settings store to every widget inside `target` (an element, or the document). */
export function provideSettings(target: HTMLElement, value: SettingsStore | undefined): SettingsProvision {
  const provider = new ContextProvider(target, { context: settingsContext, initialValue: value });
  if (target.isConnected) provider.hostConnected();
  return { set: (next) => provider.setValue(next) };
}
