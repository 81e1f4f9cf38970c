/* FFI benchmark ceiling: the same flood object consumed by libbpf's ring_buffer__poll in C.
 * usage: ringbuf-consume OBJ EVENT_SIZE BURST FLOOD_BIN N [RATE] — spawns the flood workload, attaches, lets it
 * run, drains the ring, prints JSON {delivered, lost, emitted, seconds}. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>

static long delivered;
static unsigned long long sink;
static int on_sample(void *ctx, void *data, size_t size) {
  sink += *(unsigned long long *)data + size; /* touch the record, as a decoder would */
  delivered++;
  return 0;
}
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}
int main(int argc, char **argv) {
  if (argc < 6) return 2;
  int to[2];
  if (pipe(to)) return 1;
  pid_t pid = fork();
  if (pid == 0) {
    dup2(to[0], 0);
    close(to[1]);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(1, &set);
    sched_setaffinity(0, sizeof(set), &set);
    execl(argv[4], argv[4], argv[5], argc > 6 ? argv[6] : NULL, (char *)NULL);
    _exit(127);
  }
  close(to[0]);
  struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
  if (!obj) { perror("open"); return 1; }
  struct bpf_map *rodata = bpf_object__find_map_by_name(obj, ".rodata");
  size_t sz;
  unsigned int *cfg = (unsigned int *)bpf_map__initial_value(rodata, &sz);
  cfg[0] = pid;
  cfg[1] = atoi(argv[2]);
  cfg[2] = atoi(argv[3]);
  if (bpf_object__load(obj)) { perror("load"); return 1; }
  struct bpf_link *link = bpf_program__attach(bpf_object__find_program_by_name(obj, "flood"));
  if (!link) { perror("attach"); return 1; }
  struct ring_buffer *rb = ring_buffer__new(bpf_map__fd(bpf_object__find_map_by_name(obj, "events")), on_sample, NULL, NULL);
  if (!rb) { perror("ring_buffer__new"); return 1; }
  double t0 = now();
  if (write(to[1], "x", 1) != 1) return 1;
  int status;
  while (waitpid(pid, &status, WNOHANG) == 0) ring_buffer__poll(rb, 100);
  double t1 = now();
  while (ring_buffer__consume(rb) > 0) {}
  int nc = libbpf_num_possible_cpus();
  unsigned long long vals[256], emitted = 0, lost = 0;
  unsigned int k = 0;
  bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "counters")), &k, vals);
  for (int i = 0; i < nc; i++) emitted += vals[i];
  k = 1;
  bpf_map_lookup_elem(bpf_map__fd(bpf_object__find_map_by_name(obj, "counters")), &k, vals);
  for (int i = 0; i < nc; i++) lost += vals[i];
  printf("{\"delivered\":%ld,\"lost\":%llu,\"emitted\":%llu,\"seconds\":%f}\n", delivered, lost, emitted, t1 - t0);
  ring_buffer__free(rb);
  bpf_link__destroy(link);
  bpf_object__close(obj);
  return sink == 1 ? 3 : 0;
}
