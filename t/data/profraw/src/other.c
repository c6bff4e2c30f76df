#include <stdio.h>
static int square(int x) { return x * x; }
int main(int argc, char **argv)
{
	int s = 0;
	for (int i = 0; i < argc * 10; i++)
		s += square(i);
	printf("%d\n", s);
	return 0;
}
