// @vitest-environment jsdom
import './setup-dom';
import { act, render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { shallow } from 'zustand/shallow';
import { emptyDocument } from '../../src/state/commands';
import { createEditorStore, type EditorState, type EditorStore } from '../../src/state/store';
import { useStoreState } from '../../src/ui/EditorContext';

function counter<T>(store: EditorStore, select?: (s: EditorState) => T, equal?: (a: T, b: T) => boolean) {
  const renders = { count: 0 };
  function Probe() {
    if (select) useStoreState(store, select, equal);
    else useStoreState(store);
    renders.count++;
    return null;
  }
  render(<Probe />);
  return renders;
}

const selectDoc = (s: EditorState) => s.doc;
const selectHistory = ({ doc, canUndo }: EditorState) => ({ doc, canUndo });

describe('useStoreState with selectors', () => {
  it('a document reader does not re-render when only the selection changes', () => {
    const store = createEditorStore(emptyDocument('t'));
    const docReader = counter(store, selectDoc);
    const shallowReader = counter(store, selectHistory, shallow);
    const everything = counter(store);
    expect([docReader.count, shallowReader.count, everything.count]).toEqual([1, 1, 1]);
    act(() => store.setSelection({ nodes: ['input'] }));
    act(() => store.setSelection({ nodes: [] }));
    expect([docReader.count, shallowReader.count, everything.count]).toEqual([1, 1, 3]);
    act(() => store.apply('Rename', (d) => void (d.name = 'u')));
    expect([docReader.count, shallowReader.count, everything.count]).toEqual([2, 2, 4]);
  });
});
