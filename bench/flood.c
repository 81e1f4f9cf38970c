/* FFI benchmark workload: waits for a byte on stdin (the consumer is attached), then calls getppid()
 * argv[1] times, or for argv[1] calls at argv[2] calls per second when a rate is given (paced in 1 ms
 * steps). Prints the achieved calls per second. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}
int main(int argc, char **argv) {
  char b;
  if (read(0, &b, 1) != 1) return 2;
  long n = atol(argv[1]);
  double rate = argc > 2 ? atof(argv[2]) : 0;
  double t0 = now();
  if (rate <= 0) {
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
  } else {
    long per_ms = (long)(rate / 1000), done = 0;
    for (long step = 1; done < n; step++) {
      for (long i = 0; i < per_ms && done < n; i++, done++) syscall(SYS_getppid);
      while (now() < t0 + step / 1000.0) {}
    }
  }
  printf("%.0f\n", n / (now() - t0));
  return 0;
}
