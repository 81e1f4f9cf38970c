/** Log-linear histograms: the TS twin of libs/bpf/include/loglinear.bpf.h and the decoder to HistogramResult. */
export * from './loglinear.js';
