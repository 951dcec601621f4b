import { useContext } from 'preact/hooks';
import type { AgentRow } from '../../../src/shared/index.js';
import { AppContext } from '../app-context.js';
import { TextFilePanel } from '../components/text-file-panel.js';

/** "Open logs": the tail of the agent's live log, or of its archived copy once it was cleaned. */
export function AgentLogPanel({ agent, onClose }: { agent: AgentRow; onClose: () => void }) {
  const { api } = useContext(AppContext);
  return (
    <TextFilePanel
      title={
        <>
          Log of <span class="mono">{agent.agentId}</span>
        </>
      }
      taskDir={agent.taskDir}
      load={() => api.readLog({ taskDir: agent.taskDir, agentId: agent.agentId })}
      deps={[agent.taskDir, agent.agentId]}
      onClose={onClose}
    />
  );
}
