static int sq(int x) { return x * x; }
int other(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += sq(i);
	return s;
}
int never(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++)
		s += i * 3;
	return s;
}
