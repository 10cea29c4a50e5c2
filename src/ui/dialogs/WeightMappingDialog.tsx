import type { MappingRow, WeightMapping } from '../../compile/import/pytorch/names';
import { Dialog } from './Dialog';

const STATUS: Record<MappingRow['status'], string> = {
  name: 'by name',
  order: 'by order + shape',
  mismatch: 'shape differs',
  unused: 'not used',
  ignored: 'ignored (counter)',
};

const shape = (s: number[]) => (s.length ? s.join('×') : '–');

/**
 * The mapping of a PyTorch state dict onto the graph, shown before it is applied: each of their keys, the node and
 * parameter it goes to, its shape and how it was matched; weights nothing fits are listed, and block applying.
 */
export function WeightMappingDialog({ label, mapping, onApply, onClose }: { label: string; mapping: WeightMapping; onApply(): void; onClose(): void }) {
  const placed = mapping.rows.filter((r) => r.status === 'name' || r.status === 'order').length;
  const ok = mapping.problems.length === 0;
  return (
    <Dialog
      title={`Load weights from “${label}”`}
      onClose={onClose}
      testId="weight-mapping"
      tone={ok ? 'default' : 'error'}
      width={760}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" onClick={onApply} disabled={!ok} data-testid="weight-mapping-apply" data-autofocus>
            Apply
          </button>
        </>
      }
    >
      <p className="dialog-lead">
        {placed} tensors placed {mapping.by === 'name' ? 'by name' : 'in forward order by shape (the names differ from the graph’s)'}
        {ok ? '. Check the pairs, then apply.' : `; ${mapping.problems.length} cannot be placed, so nothing will be loaded:`}
      </p>
      {!ok && (
        <ul className="error-list" data-testid="weight-mapping-problems">
          {mapping.problems.slice(0, 20).map((p, i) => (
            <li key={i}>{p}</li>
          ))}
          {mapping.problems.length > 20 && <li>… and {mapping.problems.length - 20} more</li>}
        </ul>
      )}
      <div className="mapping-scroll">
        <table className="unsupported-ops" data-testid="weight-mapping-table">
          <thead>
            <tr>
              <th>Their key</th>
              <th>Our node</th>
              <th>Shape</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {mapping.rows.map((r) => (
              <tr key={r.key} className={`mapping-${r.status}`}>
                <td className="mono">{r.key}</td>
                <td className="mono">{r.nodeId ? `${r.nodeId}.${r.param}` : '–'}</td>
                <td className="mono">{shape(r.shape)}{r.expected ? ` (ours ${shape(r.expected)})` : ''}</td>
                <td>{STATUS[r.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Dialog>
  );
}
