import { useEffect, useMemo, useState } from 'react';
import { formatShape, type GraphEdge, type Shape } from '../../core/types';
import { DrawCanvas, pixelCanvas } from './canvas';
import { drawAlone } from './drawResult';
import type { FeatureMaps } from '../../runtime';
import { formatValue, heatmapPixels, VIRIDIS_CSS } from './render';
import { runtime } from './runtimeClient';
import type { ShownResult } from './session';

const COUNTS = [4, 8, 16, 32, 64];

interface Props {
  result: ShownResult | undefined;
  edge: GraphEdge | undefined;
  /** The shape the edge label shows now. */
  edgeShape: Shape | undefined;
}

type Load = { status: 'loading' } | { status: 'ready'; maps: FeatureMaps } | { status: 'error'; message: string };

function Channel({ channel, h, w }: { channel: FeatureMaps['channels'][number]; h: number; w: number }) {
  const layer = useMemo(() => pixelCanvas(heatmapPixels(channel.data, w, h, channel.min, channel.max === channel.min ? channel.min + 1 : channel.max)), [channel, h, w]);
  const size = Math.max(1, Math.floor(160 / Math.max(h, w)));
  return (
    <figure className="rp-fmap" title={`channel ${channel.index}: min ${formatValue(channel.min)}, max ${formatValue(channel.max)}, mean ${formatValue(channel.mean)}`}>
      <DrawCanvas width={w * size} height={h * size} pixelated deps={[layer]} className="rp-fmap-canvas" draw={(ctx, cw, ch) => drawAlone(ctx, cw, ch, layer)} />
      <figcaption>
        <span className="rp-fmap-index">#{channel.index}</span>
        <span className="num">
          {formatValue(channel.min)} … {formatValue(channel.max)}
        </span>
        <span className="num rp-muted">μ {formatValue(channel.mean)}</span>
      </figcaption>
    </figure>
  );
}

export function FeatureMapsSection({ result, edge, edgeShape }: Props) {
  const [count, setCount] = useState(16);
  const [tile, setTile] = useState(0);
  const [load, setLoad] = useState<Load | undefined>();
  const source = edge?.source;

  useEffect(() => {
    if (!result || !source) {
      setLoad(undefined);
      return;
    }
    let current = true;
    setLoad({ status: 'loading' });
    runtime().featureMaps(source, count, tile).then(
      (outcome) => current && setLoad(outcome.ok ? { status: 'ready', maps: outcome.value } : { status: 'error', message: outcome.error.message }),
      (err: unknown) => current && setLoad({ status: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      current = false;
    };
  }, [result, source, count, tile]);

  const tileCount = result?.plan.tiles?.tiles.length ?? 1;
  return (
    <section className="rp-section" data-testid="run-features">
      <div className="rp-section-head">
        <h3 className="section-title">Feature maps</h3>
        {edge && result && (
          <div className="rp-row-controls">
            {tileCount > 1 && (
              <select className="rp-inline-select" value={Math.min(tile, tileCount - 1)} onChange={(e) => setTile(Number(e.target.value))} aria-label="Tile" data-testid="run-features-tile">
                {Array.from({ length: tileCount }, (_, i) => (
                  <option key={i} value={i}>
                    tile {i + 1}
                  </option>
                ))}
              </select>
            )}
            <select className="rp-inline-select" value={count} onChange={(e) => setCount(Number(e.target.value))} aria-label="Channels shown" data-testid="run-features-count">
              {COUNTS.map((n) => (
                <option key={n} value={n}>
                  first {n}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      {!result ? (
        <p className="rp-muted">Run the graph, then click an edge on the canvas to see the tensor it carries.</p>
      ) : !edge ? (
        <p className="rp-muted" data-testid="run-features-hint">
          Click an edge on the canvas to see the tensor it carries.
        </p>
      ) : (
        <>
          <div className="rp-fmap-head">
            <span className="mono rp-edge-name">
              {edge.source} → {edge.target}
            </span>
            {load?.status === 'ready' && (
              <span className="rp-tag mono" data-testid="run-features-shape">
                {formatShape(load.maps.shape)}
              </span>
            )}
          </div>
          {load?.status === 'loading' && <p className="rp-muted">Computing…</p>}
          {load?.status === 'error' && (
            <p className="rp-callout error" data-testid="run-features-error">
              {load.message}
            </p>
          )}
          {load?.status === 'ready' && (
            <>
              {edgeShape && formatShape(edgeShape) !== formatShape(load.maps.shape) && (
                <p className="rp-note">The edge now carries {formatShape(edgeShape)}; these maps are from the last run.</p>
              )}
              <div className="rp-fmap-stats">
                <span>
                  min <b className="num">{formatValue(load.maps.overall.min)}</b>
                </span>
                <span>
                  max <b className="num">{formatValue(load.maps.overall.max)}</b>
                </span>
                <span>
                  mean <b className="num">{formatValue(load.maps.overall.mean)}</b>
                </span>
                <span className="rp-fmap-legend" title="Each channel is scaled to its own min … max">
                  <i style={{ background: VIRIDIS_CSS }} /> per-channel min … max
                </span>
              </div>
              <div className="rp-fmap-grid" data-testid="run-features-grid">
                {load.maps.channels.map((c) => (
                  <Channel key={c.index} channel={c} h={load.maps.shape.h} w={load.maps.shape.w} />
                ))}
              </div>
              {load.maps.shape.c > load.maps.channels.length && (
                <p className="rp-muted">
                  Showing {load.maps.channels.length} of {load.maps.shape.c} channels{tileCount > 1 ? ` of tile ${load.maps.tileIndex + 1}` : ''}.
                </p>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
