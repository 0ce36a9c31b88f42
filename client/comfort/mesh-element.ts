import type { MeshController, MeshListener } from '../mesh/mesh-controller';

/**
 * A custom element on the room's mesh: the room sets `mesh` (before or after the upgrade), and
 * the element listens while it is connected. Subclasses say what they listen to.
 */
export abstract class MeshElement extends HTMLElement {
  #mesh: MeshController | null = null;
  #unsubscribe: (() => void) | null = null;

  get mesh(): MeshController | null {
    return this.#mesh;
  }

  set mesh(mesh: MeshController | null) {
    this.unlisten();
    this.#mesh = mesh;
    if (this.isConnected) this.listen();
  }

  protected abstract listener(mesh: MeshController): MeshListener;

  /** Subscribes to the mesh, once; call from connectedCallback. */
  protected listen(): void {
    if (this.#unsubscribe || !this.#mesh) return;
    this.#unsubscribe = this.#mesh.subscribe(this.listener(this.#mesh));
  }

  /** Call from disconnectedCallback. */
  protected unlisten(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}
