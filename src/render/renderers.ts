import type { Calibration } from '../app/calibrate.js';
import type { BacktestResult } from '../assess/backtest.js';
import type { Insights } from '../assess/insights-types.js';
import type { LineageReport } from '../assess/lineage-types.js';
import type { Plan } from '../assess/plan-types.js';
import type { VerifyResult } from '../assess/verify-types.js';
import type { Rendered, RendererTable } from './formats.js';
import { cleanDeep, cleanText } from './safe-text.js';

/**
 * The renderer tables of the use cases' results: a command writes exactly its table's formats. JSON
 * carries the exact strings (escaped by JSON itself); every other format gets one-line values
 * (cleanDeep). Each renderer loads its module when used, so a command loads one renderer.
 */

const text = (stdout: string): Rendered => ({ stdout });

export const PLAN_RENDERERS = {
  text: async (plan: Plan, { style, width }) =>
    text((await import('./plan-text.js')).renderText(cleanDeep(plan), style, width)),
  json: async (plan: Plan) => text((await import('./plan-json.js')).renderJson(plan)),
  markdown: async (plan: Plan) => text((await import('./plan-markdown.js')).renderMarkdown(cleanDeep(plan))),
  github: async (plan: Plan) => {
    const out = (await import('./plan-github.js')).renderGithub(cleanDeep(plan));
    return { stdout: out.stdout, workflowCommands: true, summary: out.summary };
  },
} satisfies RendererTable<Plan>;

const lineageMarkdown = async ({ report }: LineageView) =>
  text((await import('./lineage-markdown.js')).renderLineageMarkdown(cleanDeep(report)));

/** A lineage report and how many rows of each list the text shows (null: all). */
export interface LineageView {
  report: LineageReport;
  limit: number | null;
}

export const LINEAGE_RENDERERS = {
  text: async ({ report, limit }: LineageView, { style, width }) =>
    text((await import('./lineage-text.js')).renderLineageText(cleanDeep(report), style, { limit, width })),
  json: async ({ report }: LineageView) =>
    text((await import('./lineage-json.js')).renderLineageJson(report)),
  markdown: lineageMarkdown,
  github: lineageMarkdown,
} satisfies RendererTable<LineageView>;

export const INSIGHTS_RENDERERS = {
  text: async (insights: Insights, { style, width }) =>
    text((await import('./insights-text.js')).renderInsightsText(cleanDeep(insights), style, width)),
  json: async (insights: Insights) => text((await import('./insights-json.js')).renderInsightsJson(insights)),
  markdown: async (insights: Insights) =>
    text((await import('./insights-markdown.js')).renderInsightsMarkdown(cleanDeep(insights))),
  html: async (insights: Insights) =>
    text((await import('./insights-html.js')).renderInsightsHtml(cleanDeep(insights))),
} satisfies RendererTable<Insights>;

export const BACKTEST_RENDERERS = {
  text: async (result: BacktestResult, { width }) =>
    text((await import('./backtest.js')).renderBacktestText(cleanDeep(result), width)),
  json: async (result: BacktestResult) => text((await import('./backtest.js')).renderBacktestJson(result)),
  markdown: async (result: BacktestResult) =>
    text((await import('./backtest.js')).renderBacktestMarkdown(cleanDeep(result))),
} satisfies RendererTable<BacktestResult>;

export const CALIBRATION_RENDERERS = {
  text: async ({ run, result, deploy, written }: Calibration, { width }) =>
    text(
      (await import('./backtest.js')).renderCalibrationText(
        cleanDeep(result),
        cleanText(run.result.range.spec),
        written,
        deploy,
        width,
      ),
    ),
  json: ({ run, result, deploy, written }: Calibration) =>
    text(
      `${JSON.stringify({ schemaVersion: 'deployadvisor.calibration/1', tool: run.result.tool, range: run.result.range, ...result, deploy, written }, null, 2)}\n`,
    ),
} satisfies RendererTable<Calibration>;

export const VERIFY_RENDERERS = {
  text: async (result: VerifyResult, { style }) =>
    text((await import('./verify-text.js')).renderVerifyText(cleanDeep(result), style)),
  json: (result: VerifyResult) => text(`${JSON.stringify(result, null, 2)}\n`),
  markdown: async (result: VerifyResult) =>
    text((await import('./verify-markdown.js')).renderVerifyMarkdown(cleanDeep(result))),
  github: async (result: VerifyResult) => {
    const out = (await import('./verify-markdown.js')).renderVerifyGithub(cleanDeep(result));
    return { stdout: out.stdout, workflowCommands: true, summary: out.summary };
  },
} satisfies RendererTable<VerifyResult>;
