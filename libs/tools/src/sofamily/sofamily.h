/* Key of sofamily's counts; mirrored once on the TS side in sofamily.ts (defineStruct). */
#ifndef BPFLEET_SOFAMILY_H
#define BPFLEET_SOFAMILY_H

struct family_key {
	char comm[TASK_COMM_LEN];
	__u16 family;
	__u16 direction; /* SOCK_DIRECTION_* */
};

#endif
