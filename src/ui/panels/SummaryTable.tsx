import { memo, useMemo, useRef, useState } from 'react';
import type { Severity } from '../../core/diagnostics';
import type { NodeRow } from '../../core/analysis';
import { getOp } from '../../core/ops';
import { formatShape } from '../../core/types';
import { IconError, IconSortDown, IconSortUp, IconWarning } from '../icons';
import type { UiAnalysis } from '../model/analysis';
import { formatBytes, formatInt, formatMacs } from '../model/format';
import { useRowWindow } from './rowWindow';

export type SortColumn = 'order' | 'node' | 'op' | 'shape' | 'params' | 'macs' | 'memory';
type Direction = 'asc' | 'desc';

const COLUMNS: { id: SortColumn; label: string; numeric?: boolean }[] = [
  { id: 'order', label: '#', numeric: true },
  { id: 'node', label: 'Node' },
  { id: 'op', label: 'Op' },
  { id: 'shape', label: 'Output shape' },
  { id: 'params', label: 'Params', numeric: true },
  { id: 'macs', label: 'Mult-adds', numeric: true },
  { id: 'memory', label: 'Memory', numeric: true },
];

const volume = (r: NodeRow) => (r.output ? r.output.c * r.output.h * r.output.w : -1);

function sortKey(column: SortColumn, row: NodeRow, index: number): number | string {
  switch (column) {
    case 'order':
      return index;
    case 'node':
      return row.id;
    case 'op':
      return row.op;
    case 'shape':
      return volume(row);
    case 'params':
      return row.params.total;
    case 'macs':
      return row.macs;
    case 'memory':
      return row.bytes;
  }
}

/** torchinfo-style layer table, in execution order or sorted by any column. */
export function SummaryTable({ analysis, selected, onSelect }: { analysis: UiAnalysis; selected: ReadonlySet<string>; onSelect(id: string): void }) {
  const [sort, setSort] = useState<{ column: SortColumn; direction: Direction }>({ column: 'order', direction: 'asc' });
  const rows = useMemo(() => {
    if (sort.column === 'order' && sort.direction === 'asc') return analysis.rows.map((row, index) => ({ row, index }));
    const indexed = analysis.rows.map((row, index) => ({ row, index, key: sortKey(sort.column, row, index) }));
    indexed.sort((a, b) => {
      const cmp = typeof a.key === 'number' && typeof b.key === 'number' ? a.key - b.key : String(a.key).localeCompare(String(b.key));
      return (sort.direction === 'asc' ? cmp : -cmp) || a.index - b.index;
    });
    return indexed;
  }, [analysis, sort]);

  // A long table (a large graph) renders only the rows in view, with spacers for the rest.
  const body = useRef<HTMLTableSectionElement>(null);
  const shown = useRowWindow(rows.length, body);

  const toggle = (column: SortColumn) =>
    setSort((s) =>
      s.column === column
        ? { column, direction: s.direction === 'asc' ? 'desc' : 'asc' }
        : { column, direction: COLUMNS.find((c) => c.id === column)?.numeric && column !== 'order' ? 'desc' : 'asc' },
    );

  return (
    <div className="summary-table-wrap">
      <table className="summary-table" data-testid="summary-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.id}
                className={c.numeric ? 'numeric' : undefined}
                aria-sort={sort.column === c.id ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button type="button" className="sort-btn" data-testid={`summary-sort-${c.id}`} onClick={() => toggle(c.id)}>
                  {c.label}
                  <span className={`sort-icon${sort.column === c.id ? ' on' : ''}`}>
                    {sort.column === c.id && sort.direction === 'desc' ? <IconSortDown size={12} /> : <IconSortUp size={12} />}
                  </span>
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody ref={body}>
          {shown && shown.start > 0 && <tr className="row-spacer" aria-hidden="true" style={{ height: shown.start * shown.rowHeight }} />}
          {(shown ? rows.slice(shown.start, shown.end) : rows).map(({ row, index }) => (
            <SummaryRow key={row.id} row={row} index={index} severity={analysis.severity.get(row.id)} selected={selected.has(row.id)} onSelect={onSelect} />
          ))}
          {shown && shown.end < rows.length && <tr className="row-spacer" aria-hidden="true" style={{ height: (rows.length - shown.end) * shown.rowHeight }} />}
        </tbody>
      </table>
    </div>
  );
}

interface RowProps {
  row: NodeRow;
  index: number;
  severity: Severity | undefined;
  selected: boolean;
  onSelect(id: string): void;
}

/** Rows compare by what they show: every edit brings new row objects, and on a 1,000-node graph most are unchanged. */
function sameRow(a: RowProps, b: RowProps): boolean {
  const x = a.row;
  const y = b.row;
  return (
    a.index === b.index &&
    a.severity === b.severity &&
    a.selected === b.selected &&
    a.onSelect === b.onSelect &&
    x.id === y.id &&
    x.op === y.op &&
    formatShape(x.output) === formatShape(y.output) &&
    x.params.total === y.params.total &&
    x.macs === y.macs &&
    x.bytes === y.bytes
  );
}

const SummaryRow = memo(function SummaryRow({ row, index, severity, selected, onSelect }: RowProps) {
  return (
    <tr className={`${selected ? 'selected' : ''} ${severity ?? ''}`} data-testid={`summary-row-${row.id}`} onClick={() => onSelect(row.id)}>
      <td className="numeric muted">{index + 1}</td>
      <td className="node-cell">
        {severity === 'error' && <IconError size={12} className="sev-icon-error" />}
        {severity === 'warning' && <IconWarning size={12} className="sev-icon-warning" />}
        <span className="mono">{row.id}</span>
      </td>
      <td>{getOp(row.op)?.label ?? row.op}</td>
      <td className={`mono${row.output ? '' : ' muted'}`}>{formatShape(row.output)}</td>
      <td className="numeric">{row.params.total ? formatInt(row.params.total) : <span className="muted">–</span>}</td>
      <td className="numeric">{row.macs ? formatMacs(row.macs) : <span className="muted">–</span>}</td>
      <td className="numeric">{row.bytes ? formatBytes(row.bytes) : <span className="muted">–</span>}</td>
    </tr>
  );
}, sameRow);
