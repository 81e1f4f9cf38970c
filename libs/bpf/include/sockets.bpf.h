/*
 * What the socket tools (soconnect, soaccept, sofamily, soprotocol) share on the BPF side: the address a
 * connect(2) or accept(2) names, read from the caller's struct sockaddr or from a struct sock, in the
 * catalog's convention (struct sock_addr); a file descriptor's struct sock, through CO-RE; and accept's
 * arguments, stashed per thread at entry because the kernel fills the peer's sockaddr inside the syscall.
 * libs/tools/src/runtime/sockets.ts is the one TS side (it mirrors struct sock_addr). Needs
 * task_filter.bpf.h (included here) and vmlinux.h before it.
 */
#ifndef BPFLEET_SOCKETS_BPF_H
#define BPFLEET_SOCKETS_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "task_filter.bpf.h"

/* include/linux/socket.h, include/uapi/linux/un.h, include/uapi/linux/stat.h: macros, not in BTF. */
#define AF_UNIX 1
#define AF_INET 2
#define AF_INET6 10
#define UNIX_PATH_MAX 108
#define S_IFMT 00170000
#define S_IFSOCK 0140000

/* A key column of the counting tools: which side of a new connection the process was on. */
#define SOCK_DIRECTION_CONNECT 0
#define SOCK_DIRECTION_ACCEPT 1

/* Bytes of struct sockaddr before the family's own fields (sa_family_t). */
#define SOCKADDR_FAMILY_LEN 2

/* An address as the tools report it. Zeroed by the caller before it is filled. */
struct sock_addr {
	__u8 addr[16];  /* AF_INET6: the address; AF_INET: in the first 4 bytes (network order) */
	__u16 family;
	__u16 port;     /* host order; 0 for families without ports */
	__u16 path_len; /* AF_UNIX: bytes of path (an abstract name starts with a NUL); 0 when unnamed */
	char path[UNIX_PATH_MAX];
};

/*
 * The family of the caller's sockaddr of `addrlen` bytes: AF_UNSPEC when it gave none (NULL, or too short
 * to hold one; the syscall then fails). False when it could not be read (a page not resident:
 * non-sleepable programs cannot fault it in).
 */
static __always_inline bool sockaddr_read_family(const void *uaddr, __u32 addrlen, __u16 *family)
{
	*family = 0;
	return !uaddr || addrlen < SOCKADDR_FAMILY_LEN || !bpf_probe_read_user(family, sizeof(*family), uaddr);
}

/*
 * Fills `out` from the caller's sockaddr of `addrlen` bytes; false when it could not be read. Only the
 * bytes the caller gave are read, so a short sockaddr at the end of a mapping does not fail the read.
 */
static __always_inline bool sock_addr_read_user(struct sock_addr *out, const void *uaddr, __u32 addrlen)
{
	__u64 path_len; /* 64-bit: bounded and passed in the same register */

	if (!sockaddr_read_family(uaddr, addrlen, &out->family))
		return false;
	if (out->family == AF_INET && addrlen >= sizeof(struct sockaddr_in)) {
		struct sockaddr_in sin;

		if (bpf_probe_read_user(&sin, sizeof(sin), uaddr))
			return false;
		out->port = bpf_ntohs(sin.sin_port);
		__builtin_memcpy(out->addr, &sin.sin_addr, 4);
	} else if (out->family == AF_INET6 && addrlen >= __builtin_offsetof(struct sockaddr_in6, sin6_scope_id)) {
		/* The scope id is optional (the kernel accepts RFC 2133's 24-byte sockaddr_in6). */
		struct sockaddr_in6 sin6;

		if (bpf_probe_read_user(&sin6, __builtin_offsetof(struct sockaddr_in6, sin6_scope_id), uaddr))
			return false;
		out->port = bpf_ntohs(sin6.sin6_port);
		__builtin_memcpy(out->addr, &sin6.sin6_addr, 16);
	} else if (out->family == AF_UNIX) {
		path_len = addrlen - SOCKADDR_FAMILY_LEN;
		if (path_len > UNIX_PATH_MAX)
			path_len = UNIX_PATH_MAX;
		out->path_len = path_len;
		/* Bound and use in one register (see execsnoop.bpf.c); a size of 0 reads nothing. */
		asm volatile("" : "+r"(path_len));
		if (path_len <= UNIX_PATH_MAX && bpf_probe_read_user(out->path, path_len, uaddr + SOCKADDR_FAMILY_LEN))
			return false;
	}
	return true;
}

/* The struct sock behind the current task's descriptor `fd`; NULL when `fd` is not an open socket. */
static __always_inline struct sock *sock_of_fd(int fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file *file = NULL;
	struct file **fds;
	struct socket *sock;

	if (fd < 0 || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]) || !file)
		return NULL;
	/* private_data is a struct socket only on sockfs inodes. */
	if ((BPF_CORE_READ(file, f_inode, i_mode) & S_IFMT) != S_IFSOCK)
		return NULL;
	sock = BPF_CORE_READ(file, private_data);
	return BPF_CORE_READ(sock, sk);
}

static __always_inline __u16 sock_family(struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_family);
}

/* The local port of an IP socket, host order (0 for other families, which have none). */
static __always_inline __u16 sock_local_port(struct sock *sk)
{
	__u16 family = sock_family(sk);

	return family == AF_INET || family == AF_INET6 ? BPF_CORE_READ(sk, __sk_common.skc_num) : 0;
}

/*
 * Fills `out` with the peer of a connected socket, as getpeername(2) would name it: for AF_UNIX the
 * address the peer socket is bound to (unix_getname), usually none for a client.
 */
static __always_inline void sock_addr_of_peer(struct sock_addr *out, struct sock *sk)
{
	struct unix_address *unix_addr;
	struct unix_sock *peer;
	__u64 path_len; /* 64-bit: bounded and passed in the same register */

	out->family = sock_family(sk);
	if (out->family == AF_INET) {
		out->port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		BPF_CORE_READ_INTO((__be32 *)out->addr, sk, __sk_common.skc_daddr);
	} else if (out->family == AF_INET6) {
		out->port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
		BPF_CORE_READ_INTO(&out->addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
	} else if (out->family == AF_UNIX) {
		peer = (struct unix_sock *)BPF_CORE_READ((struct unix_sock *)sk, peer);
		unix_addr = BPF_CORE_READ(peer, addr);
		if (!unix_addr)
			return;
		path_len = BPF_CORE_READ(unix_addr, len) - SOCKADDR_FAMILY_LEN;
		if (path_len > UNIX_PATH_MAX) /* also a len below the family's (wrapped around) */
			return;
		out->path_len = path_len;
		asm volatile("" : "+r"(path_len));
		if (path_len <= UNIX_PATH_MAX)
			bpf_probe_read_kernel(out->path, path_len, &unix_addr->name[0].sun_path);
	}
}

/*
 * accept(2) / accept4(2): the peer's sockaddr is filled inside the syscall, so its pointer is stashed per
 * thread at entry and read at exit. Objects that trace accept define SOCKETS_ACCEPT_ARGS before including
 * this header; the others get no stash map.
 */
#ifdef SOCKETS_ACCEPT_ARGS

struct accept_args {
	const void *upeer;     /* the caller's struct sockaddr *, NULL when it wants no address */
	const int *upeer_len;  /* in: the room at upeer; out: the address's full length */
	__s32 upeer_room;      /* *upeer_len at entry: the kernel writes no more than this */
	__s32 fd;              /* the listening socket */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct accept_args);
} accepts SEC(".maps");

/* At sys_enter_accept(4): stashes the arguments of a task passing the filters. */
static __always_inline void accept_enter(const struct trace_event_raw_sys_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct accept_args args = {
		.fd = ctx->args[0],
		.upeer = (const void *)ctx->args[1],
		.upeer_len = (const int *)ctx->args[2],
	};

	if (!current_task_passes())
		return;
	if (args.upeer && args.upeer_len && bpf_probe_read_user(&args.upeer_room, sizeof(args.upeer_room), args.upeer_len))
		args.upeer_room = 0;
	bpf_map_update_elem(&accepts, &tid, &args, BPF_ANY);
}

/* At sys_exit_accept(4): takes this thread's stashed arguments; false when its entry was not stashed. */
static __always_inline bool accept_exit(struct accept_args *args)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct accept_args *stashed = bpf_map_lookup_elem(&accepts, &tid);

	if (!stashed)
		return false;
	*args = *stashed;
	bpf_map_delete_elem(&accepts, &tid);
	return true;
}

/*
 * Fills `out` (zeroed) with the peer of the connection accept returned as `newfd`: from the caller's
 * sockaddr, which the kernel filled (up to the room the caller gave, the full length written back), or,
 * when the caller gave no room (NULL) or it cannot be read, from the new socket. False when neither can.
 */
static __always_inline bool accept_peer(const struct accept_args *args, int newfd, struct sock_addr *out)
{
	struct sock *sk;
	int len;

	if (args->upeer_room >= SOCKADDR_FAMILY_LEN && !bpf_probe_read_user(&len, sizeof(len), args->upeer_len) &&
	    sock_addr_read_user(out, args->upeer, len < args->upeer_room ? len : args->upeer_room))
		return true;
	sk = sock_of_fd(newfd);
	if (!sk)
		return false;
	__builtin_memset(out, 0, sizeof(*out));
	sock_addr_of_peer(out, sk);
	return true;
}

#endif /* SOCKETS_ACCEPT_ARGS */

#endif /* BPFLEET_SOCKETS_BPF_H */
