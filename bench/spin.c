/* Profiler overhead workload: one busy thread pinned to each online CPU for argv[1] seconds; prints the total
 * loop iterations per second of all threads. Each iteration recurses 1-8 frames deep (never inlined; built with
 * frame pointers) so a profiler sees several distinct user stacks, as it would on a real host. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static atomic_int stop;

/* One counter per cache line: threads on different CPUs must not share one. */
struct counter {
  _Alignas(64) unsigned long iterations;
};

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

__attribute__((noinline)) static unsigned long descend(unsigned depth, unsigned long x) {
  x = x * 6364136223846793005UL + 1442695040888963407UL;
  if (depth > 0) x = descend(depth - 1, x);
  __asm__ volatile("" : "+r"(x));
  return x;
}

static void *spin(void *arg) {
  struct counter *c = arg;
  unsigned long x = (unsigned long)arg, n = 0;
  while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
    for (int i = 0; i < 1000; i++, n++) x = descend(n & 7, x);
  }
  c->iterations = n;
  return NULL;
}

int main(int argc, char **argv) {
  double secs = argc > 1 ? atof(argv[1]) : 5;
  long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  pthread_t *threads = calloc(ncpu, sizeof *threads);
  struct counter *counters = aligned_alloc(64, ncpu * sizeof *counters);
  if (!threads || !counters) return 1;
  double t0 = now();
  for (long i = 0; i < ncpu; i++) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(i, &set);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setaffinity_np(&attr, sizeof set, &set);
    if (pthread_create(&threads[i], &attr, spin, &counters[i])) return 1;
  }
  struct timespec d = {(time_t)secs, (long)((secs - (time_t)secs) * 1e9)};
  nanosleep(&d, NULL);
  atomic_store(&stop, 1);
  double total = 0;
  for (long i = 0; i < ncpu; i++) {
    pthread_join(threads[i], NULL);
    total += counters[i].iterations;
  }
  printf("%.0f\n", total / (now() - t0));
  return 0;
}
