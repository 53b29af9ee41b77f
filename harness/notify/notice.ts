/** Body layouts a webhook receiver understands. */
export const webhookFormats = ['slack', 'dingtalk', 'feishu', 'lark', 'wecom', 'generic'] as const;
export type WebhookFormat = (typeof webhookFormats)[number];

/** A verdict (or a run that could not be done) to tell people about. */
export interface VerdictNotice {
  /** `validate`, `run`, `watch`, `judge`. */
  command: string;
  runId: string;
  /** pass, fail, inconclusive, interrupted, or error (exit 2 before a verdict). */
  verdict: string;
  exitCode: number;
  /** One line each: the failing cases or reasons, first ones first. */
  lines: string[];
  /** Where the report can be read (`--report-url-base`), or the local report folder. */
  report?: { url?: string; dir?: string };
}

/** Lines a message shows at most; the report has the rest. */
const maxLines = 20;

/** The title every format starts with; it always holds "meshgate" (the keyword of a keyword-secured robot). */
export function noticeTitle(notice: VerdictNotice): string {
  return `meshgate ${notice.command}: ${notice.verdict.toUpperCase()} (exit ${notice.exitCode})`;
}

/** The message lines after the title: run id, the failing-case summary (bounded), the report. */
export function noticeLines(notice: VerdictNotice): string[] {
  const shown = notice.lines.slice(0, maxLines);
  const more = notice.lines.length > maxLines ? [`… and ${notice.lines.length - maxLines} more in the report`] : [];
  const report = notice.report?.url ? [`report: ${notice.report.url}`] : notice.report?.dir ? [`report folder: ${notice.report.dir}`] : [];
  return [`run ${notice.runId}`, ...shown, ...more, ...report];
}

/** Where a run's report file can be read: under `--report-url-base` when given, else the local folder. */
export function reportLocation(reportUrlBase: URL | undefined, dir: string, runId: string, file: string): VerdictNotice['report'] {
  if (!reportUrlBase) return { dir };
  const base = reportUrlBase.href.endsWith('/') ? reportUrlBase.href : `${reportUrlBase.href}/`;
  return { url: new URL(`${encodeURIComponent(runId)}/${file}`, base).href, dir };
}
