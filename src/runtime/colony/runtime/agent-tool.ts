import type { Tool, ToolOutput } from '../../agent/types';
import type { Tool as ColonyTool } from '../tools/tool';

/** A colony tool (snake_case schema, never throws) in the agent loop's tool shape. */
export function toAgentTool(tool: ColonyTool): Tool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: tool.input_schema,
    category: tool.category,
    async execute(input, ctx): Promise<ToolOutput> {
      const r = await tool.execute(input, { signal: ctx.signal, toolUseId: ctx.toolUseId });
      return { content: r.content, isError: r.is_error === true };
    },
  };
}
