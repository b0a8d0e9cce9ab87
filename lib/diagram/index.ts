export { renderFeederSvg, sectionStates, DIAGRAM_COLOURS, type DiagramView, type SectionState } from './svg';
export { layoutFeeder, type Layout } from './layout';
