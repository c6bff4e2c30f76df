#include <stdio.h>
int step(int i);
int other(int n);
int main(void)
{
	int acc = 0;
	for (int i = 0; i < 1000; i++)
		acc += step(i);
	acc += other(10);
	printf("%d\n", acc);
	return 0;
}
