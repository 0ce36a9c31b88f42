import { css } from 'lit';

/** Controls and typography shared by every component; each shadow root adopts this sheet. */
export const baseStyles = css`
  :host {
    --lc-accent: #1d4ed8;
    --lc-accent-text: #fff;
    --lc-border: #8a8f98;
    --lc-muted: #5b6170;
    --lc-surface: #f4f5f7;
    --lc-danger: #b42318;
    --lc-ok: #067647;
    --lc-warn: #8a5a00;
    --lc-radius: 6px;
    box-sizing: border-box;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --lc-accent: #7aa2ff;
      --lc-accent-text: #0b1020;
      --lc-border: #6b7280;
      --lc-muted: #a5acb8;
      --lc-surface: #1f2430;
      --lc-danger: #ff8a80;
      --lc-ok: #6ee7a8;
      --lc-warn: #f5c26b;
    }
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button,
  input,
  select {
    font: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--lc-border);
    border-radius: var(--lc-radius);
    background: var(--lc-surface);
    color: inherit;
    padding: 0.4rem 0.8rem;
    min-height: 2.25rem;
  }
  button.primary {
    background: var(--lc-accent);
    border-color: var(--lc-accent);
    color: var(--lc-accent-text);
  }
  button.danger {
    color: var(--lc-danger);
    border-color: var(--lc-danger);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  input[type='text'],
  input[type='password'],
  input:not([type]) {
    border: 1px solid var(--lc-border);
    border-radius: var(--lc-radius);
    padding: 0.4rem 0.6rem;
    min-height: 2.25rem;
    background: Canvas;
    color: CanvasText;
    min-width: 0;
  }
  :focus-visible {
    outline: 3px solid var(--lc-accent);
    outline-offset: 2px;
  }
  label {
    display: block;
    font-weight: 600;
  }
  .error {
    color: var(--lc-danger);
  }
  /* Alert regions stay in the page (so they are announced when filled) without taking room. */
  .error:empty {
    margin: 0;
  }
  .muted {
    color: var(--lc-muted);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .row {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    flex-wrap: wrap;
  }
`;
