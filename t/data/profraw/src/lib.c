static int helper(int x) { return x + 3; }

int lib_pick(int a, int b, int c)
{
	if ((a && b) || c)
		return helper(a);
	return 0;
}

int lib_work(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += helper(i) & 5;
	return s;
}
