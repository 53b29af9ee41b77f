/**
 * A CronJob schedule as Kubernetes accepts it: its validation parses `spec.schedule`
 * with robfig/cron v3's ParseStandard (pkg/apis/batch/validation), i.e. five fields
 * (minute hour day-of-month month day-of-week) or a descriptor. Each field is `*`,
 * `?` (day fields), a value, a range `a-b`, a step `*\/n` or `a-b/n`, or a list of
 * those; months and weekdays also by three-letter name. A `TZ=` prefix is refused
 * (Kubernetes wants `spec.timeZone`).
 */

interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const fields: readonly Field[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Why `schedule` is not a schedule Kubernetes takes, or undefined when it is one. */
export function cronScheduleProblem(schedule: string): string | undefined {
  const text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) return 'a TZ= prefix is not allowed (Kubernetes sets the zone with spec.timeZone)';
  if (text.startsWith('@')) return descriptors.has(text) || /^@every \d+(ms|s|m|h)$/.test(text) ? undefined : `unknown descriptor ${text}`;
  const parts = text.split(/\s+/);
  if (parts.length !== 5) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${parts.length}`;
  for (const [index, part] of parts.entries()) {
    const field = fields[index]!;
    const problem = part.split(',').map((term) => termProblem(term, field, index >= 2 && index !== 3)).find(Boolean);
    if (problem) return `${field.name} "${part}": ${problem}`;
  }
  return undefined;
}

function termProblem(term: string, field: Field, questionMark: boolean): string | undefined {
  const [range = '', step, ...rest] = term.split('/');
  if (rest.length > 0) return 'more than one /';
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return `step ${step} is not a positive number`;
  if (range === '*' || (questionMark && range === '?')) return undefined;
  const [low = '', high, ...more] = range.split('-');
  if (more.length > 0) return `${range} is not a range`;
  const values = [low, ...(high === undefined ? [] : [high])].map((value) => valueOf(value, field));
  if (values.some((value) => value === undefined)) return `${range} is not a value from ${field.min} to ${field.max}${field.names ? ' or a name' : ''}`;
  if (values.length === 2 && values[0]! > values[1]!) return `range ${range} runs backwards`;
  return undefined;
}

function valueOf(text: string, field: Field): number | undefined {
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + field.min;
  if (!/^\d+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= field.min && value <= field.max ? value : undefined;
}
