import { useMemo } from 'react';
import { useAnalysis, useEditorState } from '../EditorContext';
import { sameForAnalysis } from '../model/useStableAnalysis';
import { WeightMappingDialog } from '../dialogs/WeightMappingDialog';
import { FeatureMapsSection } from './FeatureMapsSection';
import { ImageSection } from './ImageSection';
import { ModelSection } from './ModelSection';
import { planRun } from './plan';
import { PlanSection } from './PlanSection';
import { ResultSection } from './ResultSection';
import { useRunSession } from './session';
import { useTrainSession } from '../train/trainSession';
import './run.css';

/**
 * The Run tab: pick an image, see what will be done to it, run the compiled graph in the browser, look at the
 * output (with the ground truth and scores when the sample has one) and at the tensor on any clicked edge.
 */
export function RunPanel() {
  const { doc, revision, selection } = useEditorState();
  const analysis = useAnalysis();
  const [state, session] = useRunSession();
  const [train, training] = useTrainSession();
  const trainedLabel = train.weightsVersion > 0 ? training.trainedSummary() : undefined;
  const { image, mode, budgetBytes, runSize, result } = state;

  const facts = useMemo(() => (image ? { width: image.rgba.width, height: image.rgba.height, grayscale: image.grayscale } : undefined), [image]);
  // The analysis changes only when something other than positions did; the plan follows it.
  const outcome = useMemo(
    () => (facts ? planRun(doc, analysis, facts, { mode, budgetBytes, runSize }) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [analysis, facts, mode, budgetBytes, runSize],
  );
  const plan = outcome?.ok ? outcome.plan : undefined;
  const canRun = !!plan && !plan.memory.over && !!image && state.status !== 'running' && !state.weightsBusy;
  const stale = !!result && !sameForAnalysis(result.doc, doc);
  const edge = selection.edges.length === 1 ? doc.edges.find((e) => e.id === selection.edges[0]) : undefined;

  return (
    <div className="run-panel" data-testid="run-panel">
      <ImageSection state={state} session={session} inputChannels={analysis.input?.shape.c} inputSize={analysis.input?.shape} />
      <PlanSection outcome={outcome} image={image?.rgba} state={state} session={session} />
      <ModelSection
        state={state}
        session={session}
        plan={plan}
        canRun={canRun}
        onRun={() => plan && void session.run(doc, plan, revision)}
        onLoadWeights={(files) => void session.loadWeights(files, doc, plan)}
        onRandomWeights={session.useRandomWeights}
        hasTrained={train.weightsVersion > 0}
        shownWeights={state.preferTrained && trainedLabel ? { kind: 'trained', id: -1, label: trainedLabel } : state.weights}
      />
      {result && state.resultImage && (
        <ResultSection result={result} image={state.resultImage} stale={stale} untrained={result.weights.kind === 'random'}
          unknownTraining={(result.weights.kind === 'tfjs' || result.weights.kind === 'state-dict') && !(state.weights.kind !== 'random' && state.weights.kind !== 'trained' && state.weights.trained)}
        />
      )}
      <FeatureMapsSection result={result} edge={edge} edgeShape={edge ? analysis.edgeShapes.get(edge.id) : undefined} />
      {state.pendingMapping && (
        <WeightMappingDialog
          label={state.pendingMapping.label}
          mapping={state.pendingMapping.mapping}
          onApply={() => void session.applyMapping(doc, plan)}
          onClose={session.dismissMapping}
        />
      )}
    </div>
  );
}
