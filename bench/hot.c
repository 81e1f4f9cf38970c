/* Traced-workload throughput: calls a never-inlined hot_function(i) in a loop for argv[1] seconds on the CPU it
 * is pinned to (taskset); prints "<calls per second> <calls>" (the calls, for a tracer's count to be checked
 * against). A uprobe on hot_function traps on every call, so the rate under a tracer is the cost of that trap plus
 * the tracer's BPF program. i counts up from 0: a filter on arg0 < 0 keeps none of the calls. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_alarm(int sig) {
  (void)sig;
  stop = 1;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

__attribute__((noinline)) long hot_function(long i) {
  __asm__ volatile("" : "+r"(i));
  return i ^ (i >> 3);
}

int main(int argc, char **argv) {
  double secs = argc > 1 ? atof(argv[1]) : 3;
  struct sigaction sa = {.sa_handler = on_alarm};
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {.it_value = {(time_t)secs, (long)((secs - (time_t)secs) * 1e6)}};
  long calls = 0, sink = 0;
  double t0 = now();
  setitimer(ITIMER_REAL, &it, NULL);
  while (!stop) sink += hot_function(calls++);
  double elapsed = now() - t0;
  __asm__ volatile("" : : "r"(sink));
  printf("%.0f %ld\n", calls / elapsed, calls);
  return 0;
}
