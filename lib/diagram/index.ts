export { renderFeederSvg, sectionStates, DIAGRAM_COLOURS, type DiagramView, type SectionState } from './svg';
export { layoutFeeder, type Layout } from './layout';
export { publishedFeeder } from '../model/published';
export {
  applyLiveMessage, emptyLiveState, liveSvg, liveSummary, liveView, loadFeederCached, packagePath,
  type LiveDiagramState, type LiveSummary, type LiveUpdate,
} from './live';
