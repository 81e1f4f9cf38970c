/* The kernel's share of attaching a uprobe, without any tracer: argv[3] times, perf_event_open() of a uprobe on
 * argv[1] at file offset argv[2] (as libbpf and bpftrace create one; no BPF program), timed, then closed and
 * left to settle 100 ms. Prints each open's ms on a line of its own. */
#define _GNU_SOURCE
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: uprobe-open BINARY OFFSET COUNT\n");
    return 2;
  }
  FILE *f = fopen("/sys/bus/event_source/devices/uprobe/type", "r");
  int type;
  if (!f || fscanf(f, "%d", &type) != 1) {
    perror("uprobe PMU type");
    return 1;
  }
  fclose(f);
  struct perf_event_attr attr = {
      .size = sizeof attr,
      .type = type,
      .config1 = (unsigned long)argv[1], /* uprobe_path */
      .config2 = strtoull(argv[2], NULL, 0), /* probe_offset */
  };
  for (int i = 0, n = atoi(argv[3]); i < n; i++) {
    double t0 = now_ms();
    int fd = syscall(SYS_perf_event_open, &attr, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
    double t1 = now_ms();
    if (fd < 0) {
      perror("perf_event_open");
      return 1;
    }
    printf("%.3f\n", t1 - t0);
    close(fd);
    usleep(100 * 1000);
  }
  return 0;
}
