// The only module that knows about @vscode/webview-ui-toolkit. Everything else asks for a button,
// checkbox, badge, text field or progress ring here, so moving to @vscode-elements/elements (the
// toolkit was deprecated in January 2025) means rewriting this file alone.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeProgressRing,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { setAttrs } from './dom';

let registered = false;

/** Registers the custom elements once; call before building any UI. */
export function registerComponents(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeProgressRing(),
    vsCodeTextField(),
  );
}

export interface ButtonOptions {
  appearance?: 'primary' | 'secondary' | 'icon';
  /** Accessible name when the label alone is not enough (icon buttons, repeated "Copy"). */
  ariaLabel?: string;
  title?: string;
  disabled?: boolean;
  /** Delegated click handling: the panel dispatches on data-action. */
  action?: string;
  data?: Record<string, string>;
  className?: string;
}

export function button(label: string, opts: ButtonOptions = {}): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  setAttrs(el, {
    appearance: opts.appearance ?? 'secondary',
    'aria-label': opts.ariaLabel,
    title: opts.title ?? opts.ariaLabel,
    disabled: opts.disabled ?? false,
    'data-action': opts.action,
    class: opts.className,
  });
  for (const [k, v] of Object.entries(opts.data ?? {})) el.dataset[k] = v;
  return el;
}

export function setDisabled(el: Element, disabled: boolean): void {
  setAttrs(el, { disabled });
}

export function checkbox(
  label: string,
  checked: boolean,
  opts: Omit<ButtonOptions, 'appearance'> = {},
): HTMLElement {
  const el = document.createElement('vscode-checkbox');
  el.textContent = label;
  setAttrs(el, {
    checked,
    'aria-label': opts.ariaLabel,
    title: opts.title,
    disabled: opts.disabled ?? false,
    'data-action': opts.action,
    class: opts.className,
  });
  (el as HTMLElement & { checked: boolean }).checked = checked;
  for (const [k, v] of Object.entries(opts.data ?? {})) el.dataset[k] = v;
  return el;
}

export function isChecked(el: Element): boolean {
  return Boolean((el as Element & { checked?: boolean }).checked);
}

/**
 * A plain span styled like the toolkit's badge (see .badge in styles.css): vscode-badge's template
 * carries an inline style attribute, which our CSP (rightly) refuses and reports on every page.
 */
export function badge(text: string, className?: string): HTMLElement {
  const el = document.createElement('span');
  el.className = className ? `badge ${className}` : 'badge';
  el.textContent = text;
  return el;
}

/** A decorative spinner: the caller shows the words. (The toolkit ring would announce itself as an
 *  assertive "Loading" alert, so it is hidden from assistive technology.) */
export function progressRing(): HTMLElement {
  const el = document.createElement('vscode-progress-ring');
  setAttrs(el, { 'aria-hidden': 'true' });
  return el;
}

export function textField(placeholder: string, ariaLabel: string, className?: string): HTMLElement {
  const el = document.createElement('vscode-text-field');
  setAttrs(el, { placeholder, 'aria-label': ariaLabel, class: className });
  return el;
}

export function fieldValue(el: Element): string {
  return String((el as Element & { value?: unknown }).value ?? '');
}

export function setFieldValue(el: Element, value: string): void {
  (el as Element & { value: string }).value = value;
}

export function clearField(el: Element): void {
  setFieldValue(el, '');
}

/** True when a keyboard event comes from inside one of our text fields. */
export function isTextField(el: Element | null): boolean {
  return el?.tagName === 'VSCODE-TEXT-FIELD';
}
