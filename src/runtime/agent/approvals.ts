/**
 * The approval gate in front of every tool call. Reading tools and the agent's own control tools run
 * freely; `write` and `command` tools ask the injected callback (the panel's Approve / Deny) unless the
 * user auto-approved that category, which an answer of `always` also does for the rest of the session.
 */
import type { ToolCategory, ToolPreview } from '../tools/tool';

export interface ApprovalRequest {
  toolUseId: string;
  toolName: string;
  category: ToolCategory;
  input: Record<string, unknown>;
  /** The tool's preview: a file proposal, or a command with its folder and timeout. */
  preview?: ToolPreview;
  /** `queen` or the worker id. */
  requester?: string;
}

export type ApprovalAnswer =
  | 'approve'
  | 'deny'
  | { decision: 'approve'; always?: boolean; content?: string }
  | { decision: 'deny'; reason?: string };

export type ApprovalCallback = (request: ApprovalRequest, signal: AbortSignal) => Promise<ApprovalAnswer>;

export interface ApprovalVerdict {
  approved: boolean;
  /** Told to the model when the call is refused. */
  reason?: string;
  /** True when no question was asked. */
  automatic: boolean;
  /** The user's edited version of the proposal's `after`, to write instead. */
  content?: string;
}

const ALWAYS_FREE: ReadonlySet<ToolCategory> = new Set(['read', 'control']);

export class ApprovalGate {
  private readonly autoApproved: Set<ToolCategory>;

  constructor(
    private readonly callback: ApprovalCallback | undefined,
    autoApproved: Iterable<ToolCategory> = [],
  ) {
    this.autoApproved = new Set(autoApproved);
  }

  /** Categories that currently run without asking. */
  get approvedCategories(): ToolCategory[] {
    return [...new Set([...ALWAYS_FREE, ...this.autoApproved])];
  }

  autoApprove(category: ToolCategory): void {
    this.autoApproved.add(category);
  }

  revoke(category: ToolCategory): void {
    this.autoApproved.delete(category);
  }

  async check(request: ApprovalRequest, signal: AbortSignal): Promise<ApprovalVerdict> {
    if (ALWAYS_FREE.has(request.category) || this.autoApproved.has(request.category))
      return { approved: true, automatic: true };
    if (!this.callback)
      return {
        approved: false,
        automatic: true,
        reason: `no one is available to approve ${request.category} tools, so ${request.toolName} was not run`,
      };
    let answer: ApprovalAnswer;
    try {
      answer = await this.callback(request, signal);
    } catch (err) {
      return { approved: false, automatic: false, reason: `approval failed: ${errorText(err)}` };
    }
    if (answer === 'approve') return { approved: true, automatic: false };
    if (answer === 'deny')
      return { approved: false, automatic: false, reason: 'the user denied this tool call' };
    if (answer.decision === 'approve') {
      if (answer.always) this.autoApprove(request.category);
      return {
        approved: true,
        automatic: false,
        ...(typeof answer.content === 'string' ? { content: answer.content } : {}),
      };
    }
    return { approved: false, automatic: false, reason: answer.reason || 'the user denied this tool call' };
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
