/** The part of d3-flame-graph 5's API this UI uses (the package ships no types). */
declare module 'd3-flame-graph' {
  import type { Selection } from 'd3-selection';

  /** A frame as the chart holds it: a d3-hierarchy node over the data given. */
  export interface FlameHierarchyNode<T> {
    data: T;
    value: number;
    x0: number;
    x1: number;
    depth: number;
    highlight?: boolean;
    children?: FlameHierarchyNode<T>[];
    parent: FlameHierarchyNode<T> | null;
    descendants(): FlameHierarchyNode<T>[];
  }

  export interface FlameGraph<T> {
    (selection: Selection<HTMLElement, T, null, undefined>): void;
    width(width: number): FlameGraph<T>;
    cellHeight(height: number): FlameGraph<T>;
    minFrameSize(pixels: number): FlameGraph<T>;
    transitionDuration(ms: number): FlameGraph<T>;
    sort(sort: boolean | ((a: FlameHierarchyNode<T>, b: FlameHierarchyNode<T>) => number)): FlameGraph<T>;
    inverted(inverted: boolean): FlameGraph<T>;
    setColorMapper(mapper: (node: FlameHierarchyNode<T>, originalColor: string) => string): FlameGraph<T>;
    setLabelHandler(label: (node: FlameHierarchyNode<T>) => string): FlameGraph<T>;
    setSearchMatch(match: (node: FlameHierarchyNode<T>, term: string) => boolean): FlameGraph<T>;
    setSearchHandler(handler: (results: FlameHierarchyNode<T>[], sum: number, total: number) => void): FlameGraph<T>;
    setDetailsHandler(handler: (label: string | null) => void): FlameGraph<T>;
    onClick(handler: (node: FlameHierarchyNode<T>) => void): FlameGraph<T>;
    search(term: string): void;
    clear(): void;
    zoomTo(node: FlameHierarchyNode<T>): void;
    resetZoom(): void;
    update(data?: T): FlameGraph<T>;
    destroy(): FlameGraph<T>;
  }

  export default function flamegraph<T>(): FlameGraph<T>;
}
