/**
 * One button, one tracked write (simulate → sign → receipt, with TxStatus), then the named queries
 * refresh. Every page's single-click actions use it.
 */
import { useQueryClient } from "@tanstack/react-query";
import type { CaduceusChain } from "@caduceus/sdk/chain/client";
import { TxStatus } from "./TxStatus.tsx";
import { useWriteFlow } from "./useWriteFlow.ts";

export interface WriteButtonProps {
  label: string;
  action: (chain: CaduceusChain) => Promise<unknown>;
  /** Query-key prefixes to refresh after the receipt. */
  refresh: readonly string[];
  primary?: boolean;
  disabled?: boolean;
  testId?: string;
  onDone?: () => void;
}

export function WriteButton({ label, action, refresh, primary, disabled, testId, onDone }: WriteButtonProps) {
  const queryClient = useQueryClient();
  const write = useWriteFlow();
  async function click() {
    const result = await write.run(action);
    if (!result.ok) return;
    await Promise.all(refresh.map((key) => queryClient.invalidateQueries({ queryKey: [key] })));
    onDone?.();
  }
  return (
    <div className="write-action">
      <button type="button" className={primary ? "primary" : undefined} onClick={click} disabled={disabled || write.busy} data-testid={testId}>
        {label}
      </button>
      <TxStatus state={write.state} label={label} />
    </div>
  );
}
