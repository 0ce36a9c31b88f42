import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpeg, lavfi } from '../../e2e/ffmpeg';

/**
 * A 640x360 clip whose top 40 rows show its frame number as 16 black/white blocks (least
 * significant bit on the left), so a receiver can tell which frame it presents. Its sound is
 * silent but for a 50 ms beep at each whole second, i.e. from frames 0, 30, 60..., so a
 * listener can tell which moment it hears.
 */
export function counterClip(dir: string, seconds = 120): string {
  const file = join(dir, `counter-beep-${seconds}s.webm`);
  if (existsSync(file)) return file;
  mkdirSync(dir, { recursive: true });
  const bits =
    "geq=lum='if(lt(Y\\,40)\\,255*mod(floor(N/pow(2\\,floor(X/40)))\\,2)\\,96+64*sin(N/10+X/50))':cb=128:cr=128";
  ffmpeg([
    ...lavfi(`color=c=gray:size=640x360:rate=30,${bits}`),
    ...lavfi("sine=frequency=1000:sample_rate=48000,volume='lt(mod(t,1),0.05)':eval=frame"),
    '-t',
    String(seconds),
    '-c:v',
    'libvpx',
    '-b:v',
    '1M',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-c:a',
    'libopus',
    file,
  ]);
  return file;
}
