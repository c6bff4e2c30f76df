/*
 * Replays fuzz inputs without libFuzzer: every file named on the command
 * line (directories are walked one level) is passed to
 * LLVMFuzzerTestOneInput().  The test suite runs each target over its seed
 * corpus and the corrupt-input cases this way, so the parsers' handling of
 * bad bytes is checked in every build, sanitizers included.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "fsutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_one(const char *path, int *count)
{
	struct strbuf sb = STRBUF_INIT;
	if (read_file(path, &sb, 0) < 0) {
		fprintf(stderr, "%s\n", pgo_errmsg());
		return -1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)sb.buf, sb.len);
	strbuf_release(&sb);
	(*count)++;
	return 0;
}

int main(int argc, char **argv)
{
	int count = 0;
	for (int i = 1; i < argc; i++) {
		if (is_dir(argv[i])) {
			DIR *d = opendir(argv[i]);
			struct dirent *e;
			while (d && (e = readdir(d))) {
				char *p;
				if (e->d_name[0] == '.')
					continue;
				p = path_join(argv[i], e->d_name);
				if (is_file(p) && run_one(p, &count) < 0)
					return 1;
				free(p);
			}
			if (d)
				closedir(d);
		} else if (run_one(argv[i], &count) < 0) {
			return 1;
		}
	}
	printf("ok 1 - replayed %d inputs\n1..1\n", count);
	return count > 0 ? 0 : 1;
}
