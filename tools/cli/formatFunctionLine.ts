import { formatText } from '#platform/log.ts';

/**
 * A function's output line for a terminal: `12:00:01 files      step.finished run_id=… status=done`.
 * JSON log lines are rendered as `event key=value`; anything else is shown as it is.
 */
export function formatFunctionLine(name: string, line: string, time: string): string {
  let text = line;
  if (line.startsWith('{')) {
    try {
      const record = JSON.parse(line) as unknown;
      if (typeof record === 'object' && record !== null && 'event' in record) text = formatText(record as Record<string, unknown>);
    } catch {
      // not JSON after all: shown as it is
    }
  }
  return `${time} ${name.padEnd(10)} ${text}`;
}
