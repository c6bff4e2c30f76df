#ifndef WORK_H
#define WORK_H
unsigned long work_sort(long n);
unsigned long work_hash(long n);
unsigned long util_mix(unsigned long a, unsigned long b);
int util_rare(long i);
#endif
