import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { passwordSchema, usernameSchema } from '../../shared/ids';
import { api, HttpError } from '../api/http';
import { fire } from '../app/events';
import { baseStyles } from '../ui/styles';

/**
 * One form for both signing in and creating an account.
 * @fires lc-signed-in - with the user, once the server has set the session cookie
 */
@customElement('lc-sign-in')
export class LcSignIn extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
        max-width: 24rem;
        margin: 2rem auto;
        padding: 0 1rem;
      }
      form {
        display: grid;
        gap: 0.75rem;
      }
      input {
        width: 100%;
      }
    `,
  ];

  /** A note from elsewhere, e.g. why the user was signed out. */
  @property() message = '';

  @state() private _error = '';
  @state() private _busy = false;

  override render() {
    return html`<h1>Sign in to LiveConnect</h1>
      ${this.message ? html`<p role="status">${this.message}</p>` : null}
      <form @submit=${this._onSubmit} novalidate>
        <div>
          <label for="username">Username</label>
          <input id="username" name="username" type="text" autocomplete="username" required
            autocapitalize="off" spellcheck="false" />
        </div>
        <div>
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password"
            required />
        </div>
        <p class="error" role="alert">${this._error}</p>
        <div class="row">
          <button class="primary" type="submit" name="mode" value="login" ?disabled=${this._busy}>
            Sign in
          </button>
          <button type="submit" name="mode" value="register" ?disabled=${this._busy}>
            Create account
          </button>
        </div>
      </form>`;
  }

  private async _onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const username = String(data.get('username') ?? '').trim();
    const password = String(data.get('password') ?? '');
    const register = (event.submitter as HTMLButtonElement | null)?.value === 'register';

    const error = register ? validateNew(username, password) : validateLogin(username, password);
    if (error) {
      this._error = error;
      return;
    }
    this._error = '';
    this._busy = true;
    try {
      const credentials = { username, password };
      const user = register ? await api.register(credentials) : await api.login(credentials);
      fire(this, 'lc-signed-in', { user });
    } catch (err) {
      this._error = err instanceof HttpError ? err.message : 'Something went wrong. Try again.';
    } finally {
      this._busy = false;
    }
  }
}

function validateLogin(username: string, password: string): string {
  return username && password ? '' : 'Enter your username and password.';
}

function validateNew(username: string, password: string): string {
  const name = usernameSchema.safeParse(username);
  if (!name.success) return `Choose another username: ${name.error.issues[0]?.message ?? ''}.`;
  const pass = passwordSchema.safeParse(password);
  if (!pass.success) return `Choose another password: ${pass.error.issues[0]?.message ?? ''}.`;
  return '';
}

declare global {
  interface HTMLElementTagNameMap {
    'lc-sign-in': LcSignIn;
  }
}
