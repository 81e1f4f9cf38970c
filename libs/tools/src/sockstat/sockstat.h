/* Layout of sockstat's counts map, and the syscalls it counts; mirrored once on the TS side in sockstat.ts. */
#ifndef BPFLEET_SOCKSTAT_H
#define BPFLEET_SOCKSTAT_H

#define TASK_COMM_LEN 16

/*
 * The socket syscalls counted (every syscall of net/socket.c on x86-64), in the order of SOCKET_SYSCALLS in
 * sockstat.schema.ts: a key's `syscall` is the index in this list (sockstat.spec.ts checks both agree).
 */
#define SOCKSTAT_SYSCALLS(X)                                                                       \
	X(socket) X(socketpair) X(bind) X(listen) X(accept) X(accept4) X(connect) X(getsockname)  \
	X(getpeername) X(setsockopt) X(getsockopt) X(sendto) X(sendmsg) X(sendmmsg) X(recvfrom)   \
	X(recvmsg) X(recvmmsg) X(shutdown)

/* Each field stays zero unless the run is keyed by it (by_syscall, by_pid, by_comm). */
struct key_t {
	__u32 syscall;
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

#endif
