import cliProgress from 'cli-progress';
import type { HostEvent } from '../../shared/host-api.js';
import type { ReleaseProgress } from '../../shared/release-api.js';

/**
 * Shows a release operation's progress: a transfer bar on a terminal, one line per step
 * otherwise (logs, CI). Feed it host events; call `done()` at the end.
 */
export function progressDisplay(stream: NodeJS.WriteStream = process.stderr): { onEvent: (event: HostEvent) => void; done: () => void } {
  const interactive = stream.isTTY === true;
  let bar: cliProgress.SingleBar | null = null;
  let lastStep = '';
  const show = (progress: ReleaseProgress): void => {
    if (progress.step === 'download' && progress.total !== undefined && interactive) {
      if (!bar) {
        bar = new cliProgress.SingleBar({ stream, format: '  download {file} [{bar}] {percentage}% {value}/{total} bytes', hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(progress.total, 0, { file: progress.file });
      }
      bar.setTotal(progress.total);
      bar.update(progress.bytes ?? 0, { file: progress.file });
      return;
    }
    if (progress.step !== 'download') {
      bar?.stop();
      bar = null;
    }
    const line = progress.step === 'download' ? `${progress.step} ${progress.file ?? ''}` : progress.step;
    if (line !== lastStep) stream.write(`  ${progress.operation} ${progress.slot}: ${line}${progress.percent !== undefined && !interactive ? ` (${progress.total} bytes)` : ''}\n`);
    lastStep = line;
  };
  return {
    onEvent: (event) => {
      if (event.type === 'progress' && event.data) show(event.data);
    },
    done: () => {
      bar?.stop();
      bar = null;
    },
  };
}
