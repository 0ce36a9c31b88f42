import { ensureClips } from './clips';

export default function globalSetup(): void {
  ensureClips();
}
