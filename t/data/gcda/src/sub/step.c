int step(int i)
{
	if (i % 4 == 0)
		return 3;
	return 1;
}
