import { useUpdateNodeInternals } from '@xyflow/react';
import { useEffect, useRef } from 'react';

/**
 * Re-measures a node's handles when `handleKey` (what places them: ports and their sides) changes. Not on mount:
 * React Flow measures new nodes itself, and an early call would run the initial fitView before the other nodes
 * have sizes.
 */
export function useHandleRemeasure(id: string, handleKey: string): void {
  const updateNodeInternals = useUpdateNodeInternals();
  const lastKey = useRef(handleKey);
  useEffect(() => {
    if (lastKey.current === handleKey) return;
    lastKey.current = handleKey;
    updateNodeInternals(id);
  }, [id, handleKey, updateNodeInternals]);
}
