import flamegraph, { type FlameGraph as Chart, type FlameHierarchyNode } from 'd3-flame-graph';
import { select } from 'd3-selection';
import { useEffect, useRef, useState } from 'preact/hooks';
import { HIGHLIGHT } from '../palette';
import type { FlameNode } from './flame-tree';

/** A frame to zoom to: the widest frame with this name (and module, when given). */
export interface FocusTarget {
  name: string;
  module?: string | null;
  /** Changes on every request, so asking again for the same frame zooms again after a reset. */
  nonce: number;
}

export interface SearchOutcome {
  term: string;
  frames: number;
  /** Samples under the matching frames (each stack once), and of the whole graph. */
  value: number;
  total: number;
}

interface Props {
  tree: FlameNode;
  colorOf(node: FlameNode): string;
  /** Names the colouring: when it changes (another palette), the frames are repainted. */
  colorKey?: string;
  /** The tooltip of a frame (its `<title>`, read by the browser and screen readers on hover). */
  describe(node: FlameNode): string;
  search: string;
  onSearch(outcome: SearchOutcome | null): void;
  focus: FocusTarget | null;
  /** Bumped to reset the zoom. */
  resetSignal: number;
  label: string;
}

const CELL_HEIGHT = 18;
const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

/**
 * A flame graph drawn by d3-flame-graph (SVG): click a frame to zoom into it, search highlights matches.
 * The chart is imperative, so it lives in a ref and the props drive it through effects.
 */
export function FlameGraph({ tree, colorOf, colorKey, describe, search, onSearch, focus, resetSignal, label }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<Chart<FlameNode> | null>(null);
  const callbacks = useRef({ colorOf, describe, onSearch });
  callbacks.current = { colorOf, describe, onSearch };
  const [width, setWidth] = useState(0);
  // The term of the last search, re-applied when the chart is rebuilt (new data or width).
  const lastSearch = useRef('');

  useEffect(() => {
    const element = container.current!;
    const observer = new ResizeObserver(() => setWidth(Math.floor(element.clientWidth)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = container.current;
    if (!element || width === 0) return;
    const graph = flamegraph<FlameNode>()
      .width(width)
      .cellHeight(CELL_HEIGHT)
      .minFrameSize(1)
      .transitionDuration(reducedMotion() ? 0 : 250)
      .sort(true)
      .setColorMapper((node) => (node.highlight ? HIGHLIGHT : callbacks.current.colorOf(node.data)))
      .setLabelHandler((node) => callbacks.current.describe(node.data))
      .setSearchMatch((node, term) => term !== '' && node.data.name.toLowerCase().includes(term.toLowerCase()))
      .setSearchHandler((results, sum, total) => {
        const term = lastSearch.current;
        callbacks.current.onSearch(term === '' ? null : { term, frames: results.length, value: sum, total });
      })
      .setDetailsHandler(() => undefined);
    select(element).selectAll('svg').remove();
    select<HTMLElement, FlameNode>(element).datum(tree).call(graph);
    chart.current = graph;
    if (lastSearch.current !== '') graph.search(lastSearch.current);
    return () => {
      graph.destroy();
      chart.current = null;
    };
  }, [tree, width]);

  useEffect(() => {
    lastSearch.current = search;
    const graph = chart.current;
    if (!graph) return;
    if (search === '') {
      graph.clear();
      callbacks.current.onSearch(null);
    } else {
      graph.search(search);
    }
  }, [search]);

  useEffect(() => {
    const graph = chart.current;
    const element = container.current;
    if (!graph || !element || !focus) return;
    const root = select<HTMLElement, FlameHierarchyNode<FlameNode>>(element).datum();
    const matches = root
      .descendants()
      .filter((node) => node.data.name === focus.name && (focus.module == null || node.data.module === focus.module));
    const widest = matches.sort((a, b) => b.data.value - a.data.value)[0];
    if (widest) graph.zoomTo(widest);
  }, [focus]);

  useEffect(() => {
    if (resetSignal > 0) chart.current?.resetZoom();
  }, [resetSignal]);

  useEffect(() => {
    chart.current?.update();
  }, [colorKey]);

  return <div ref={container} class="flame-graph" role="group" aria-label={label} />;
}
