/* Overhead benchmark workload: two processes pass one byte back and forth over two pipes for argv[1]
 * seconds; every round trip is two wake-ups and two context switches. Prints round trips per second. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}
int main(int argc, char **argv) {
  double secs = argc > 1 ? atof(argv[1]) : 3;
  int ab[2], ba[2];
  char c = 'x';
  if (pipe(ab) || pipe(ba)) return 1;
  pid_t child = fork();
  if (child == 0) {
    for (;;) {
      if (read(ab[0], &c, 1) != 1) _exit(0);
      if (write(ba[1], &c, 1) != 1) _exit(0);
    }
  }
  long trips = 0;
  double t0 = now(), end = t0 + secs, t;
  do {
    for (int i = 0; i < 1000; i++) {
      if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1) return 1;
    }
    trips += 1000;
  } while ((t = now()) < end);
  kill(child, SIGKILL);
  printf("%.0f\n", trips / (t - t0));
  return 0;
}
