import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface Props {
  /** Builds the options for a given width (uPlot sizes its canvas in CSS pixels). */
  options(width: number): uPlot.Options;
  data: uPlot.AlignedData;
  /** Describes the chart for screen readers; the numbers are also in a table beside it. */
  label: string;
}

/** uPlot in a Preact component: created when the data changes, resized with its container. */
export function UPlotChart({ options, data, label }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const build = useRef(options);
  build.current = options;

  useEffect(() => {
    const element = container.current!;
    let plot = new uPlot(build.current(Math.max(200, element.clientWidth)), data, element);
    let width = element.clientWidth;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth === width || element.clientWidth === 0) return;
      width = element.clientWidth;
      plot.destroy();
      plot = new uPlot(build.current(Math.max(200, width)), data, element);
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data]);

  return <div ref={container} class="chart" role="img" aria-label={label} />;
}
