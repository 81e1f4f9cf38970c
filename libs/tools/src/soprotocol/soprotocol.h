/* Key of soprotocol's counts; mirrored once on the TS side in soprotocol.ts (defineStruct). */
#ifndef BPFLEET_SOPROTOCOL_H
#define BPFLEET_SOPROTOCOL_H

struct protocol_key {
	char comm[TASK_COMM_LEN];
	__u16 family;   /* tells an IP protocol number from another family's */
	__u16 protocol; /* sk->sk_protocol */
};

#endif
