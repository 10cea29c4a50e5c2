import { useEffect, useRef, useState, type DragEvent } from 'react';
import { IconOpen } from '../icons';
import { preferredSample, sampleThumbnailUrl } from './images';
import type { RunPanelState, RunSession } from './session';

interface Props {
  state: RunPanelState;
  session: RunSession;
  inputChannels?: number;
  inputSize?: { h: number; w: number };
}

export function ImageSection({ state, session, inputChannels, inputSize }: Props) {
  const fileInput = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const { samples, image } = state;

  // First visit: pick a sample that suits the graph, so Run works straight away.
  useEffect(() => {
    if (samples.status !== 'ready' || image || state.imageLoading || state.imageError) return;
    const pick = preferredSample(samples.list, inputChannels ?? 1, inputSize ?? { h: 0, w: 0 });
    if (pick) void session.selectSample(pick);
  }, [samples, image, state.imageLoading, state.imageError, inputChannels, inputSize, session]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void session.openFile(file);
  };
  const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

  return (
    <section
      className={`rp-section rp-image${over ? ' drop-over' : ''}`}
      data-testid="run-image"
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.stopPropagation();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <div className="rp-section-head">
        <h3 className="section-title">Image</h3>
        <button type="button" className="btn small" data-testid="run-open-image" onClick={() => fileInput.current?.click()}>
          <IconOpen size={13} /> Open…
        </button>
      </div>
      {samples.status === 'loading' && <p className="rp-muted">Loading samples…</p>}
      {samples.status === 'error' && <p className="rp-error-text">Samples unavailable: {samples.message}</p>}
      {samples.status === 'ready' && (
        <div className="rp-samples" role="listbox" aria-label="Sample images">
          {samples.list.map((s) => {
            const selected = image?.sampleId === s.id;
            return (
              <button
                key={s.id}
                type="button"
                role="option"
                aria-selected={selected}
                className={`rp-sample${selected ? ' selected' : ''}`}
                title={s.credit ? `${s.title} — ${s.credit}` : s.title}
                data-testid={`run-sample-${s.id}`}
                onClick={() => void session.selectSample(s)}
              >
                <img src={sampleThumbnailUrl(s)} alt="" loading="lazy" />
                <span className="rp-sample-size">{s.width === s.height ? s.width : `${s.width}×${s.height}`}</span>
                {s.channels === 3 && <span className="rp-sample-rgb" aria-label="RGB" />}
              </button>
            );
          })}
        </div>
      )}
      <div className="rp-image-status" data-testid="run-image-status">
        {state.imageLoading ? (
          <span className="rp-muted">Decoding {state.imageLoading}…</span>
        ) : state.imageError ? (
          <span className="rp-error-text" data-testid="run-image-error">
            {state.imageError}
          </span>
        ) : image ? (
          <>
            <span className="rp-image-name" title={image.name}>
              {/* Sample titles end in "(grayscale)" etc., which the tags already say. */}
              {image.origin === 'sample' ? image.name.replace(/\s*\(.*\)$/, '') : image.name}
            </span>
            <span className="rp-tags">
              <span className="rp-tag mono">
                {image.rgba.width}×{image.rgba.height}
              </span>
              <span className="rp-tag">{image.grayscale ? 'grayscale' : 'RGB'}</span>
              {image.truth && <span className="rp-tag ok">ground truth</span>}
            </span>
          </>
        ) : (
          <span className="rp-muted">Pick a sample, or drop a PNG/JPEG here.</span>
        )}
      </div>
      <input
        ref={fileInput}
        type="file"
        accept="image/png,image/jpeg"
        hidden
        data-testid="run-image-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void session.openFile(file);
        }}
      />
    </section>
  );
}
