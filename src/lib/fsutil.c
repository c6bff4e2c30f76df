#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "banned.h"

int read_file(const char *path, struct strbuf *sb, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0)
		return pgo_err_errno("cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return pgo_err_errno("cannot stat '%s'", path);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return pgo_err("cannot read '%s': is a directory", path);
	}
	if (max && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		close(fd);
		return pgo_err("cannot read '%s': file is larger than %zu bytes", path, max);
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0)
		strbuf_grow(sb, (size_t)st.st_size);
	for (;;) {
		ssize_t n;
		strbuf_grow(sb, 65536);
		n = read(fd, sb->buf + sb->len, sb->alloc - sb->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return pgo_err_errno("cannot read '%s'", path);
		}
		if (n == 0)
			break;
		strbuf_setlen(sb, sb->len + (size_t)n);
		if (max && sb->len > max) {
			close(fd);
			return pgo_err("cannot read '%s': file is larger than %zu bytes", path, max);
		}
	}
	close(fd);
	return 0;
}

int write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0) {
			errno = ENOSPC;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

const char *path_basename(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	if (n && dir[n - 1] == '/')
		return xasprintf("%s%s", dir, name);
	return xasprintf("%s/%s", dir, name);
}

char *self_exe_path(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return xstrdup(buf);
}

char *path_absolute(const char *path)
{
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	char *p, *save;
	if (path[0] != '/') {
		char *cwd = getcwd(NULL, 0);
		if (!cwd)
			return xstrdup(path);
		strbuf_addstr(&in, cwd);
		strbuf_addch(&in, '/');
		free(cwd);
	}
	strbuf_addstr(&in, path);
	p = in.buf;
	while (p && *p) {
		char *seg;
		while (*p == '/')
			p++;
		if (!*p)
			break;
		seg = p;
		save = strchr(p, '/');
		if (save)
			*save = '\0';
		p = save ? save + 1 : NULL;
		if (!strcmp(seg, "."))
			continue;
		if (!strcmp(seg, "..")) {
			char *s = strrchr(out.buf, '/');
			strbuf_setlen(&out, s ? (size_t)(s - out.buf) : 0);
			continue;
		}
		strbuf_addch(&out, '/');
		strbuf_addstr(&out, seg);
	}
	if (!out.len)
		strbuf_addch(&out, '/');
	strbuf_release(&in);
	return strbuf_detach(&out, NULL);
}

int fsync_parent_dir(const char *path)
{
	char *dir = path_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret = 0;
	if (fd < 0) {
		ret = pgo_err_errno("cannot open directory '%s'", dir);
	} else {
		if (fsync(fd) < 0 && errno != EINVAL)
			ret = pgo_err_errno("cannot fsync directory '%s'", dir);
		close(fd);
	}
	free(dir);
	return ret;
}

static int write_temp(const char *path, const void *data, size_t len, mode_t mode,
		      char **tmp_out)
{
	char *tmp = NULL;
	int fd = -1;
	for (int attempt = 0; attempt < 100; attempt++) {
		free(tmp);
		tmp = xasprintf("%s.tmp.%ld.%d", path, (long)getpid(), attempt);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		pgo_err_errno("cannot create '%s'", tmp);
		free(tmp);
		return -1;
	}
	if (write_all(fd, data, len) < 0) {
		pgo_err_errno("cannot write '%s'", tmp);
		goto fail;
	}
	if (mode != 0600 && fchmod(fd, mode) < 0) {
		pgo_err_errno("cannot chmod '%s'", tmp);
		goto fail;
	}
	if (fsync(fd) < 0) {
		pgo_err_errno("cannot fsync '%s'", tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		pgo_err_errno("cannot close '%s'", tmp);
		goto fail;
	}
	*tmp_out = tmp;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
}

int write_file_durable(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp;
	if (write_temp(path, data, len, mode, &tmp) < 0)
		return -1;
	if (rename(tmp, path) < 0) {
		pgo_err_errno("cannot rename '%s' to '%s'", tmp, path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return fsync_parent_dir(path);
}

int write_file_durable_new(const char *path, const void *data, size_t len, mode_t mode)
{
	char *tmp;
	int ret = 0;
	if (write_temp(path, data, len, mode, &tmp) < 0)
		return -1;
	if (link(tmp, path) < 0) {
		if (errno == EEXIST)
			ret = 1;
		else
			ret = pgo_err_errno("cannot link '%s' to '%s'", tmp, path);
	}
	unlink(tmp);
	free(tmp);
	if (ret)
		return ret;
	return fsync_parent_dir(path);
}

int mkdir_p(const char *path, mode_t mode)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = path;
	int ret = 0;
	while (*p) {
		const char *slash = strchr(p + 1, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);
		strbuf_reset(&sb);
		strbuf_add(&sb, path, n);
		if (mkdir(sb.buf, mode) < 0 && errno != EEXIST) {
			ret = pgo_err_errno("cannot create directory '%s'", sb.buf);
			break;
		}
		if (!slash)
			break;
		p = slash;
	}
	if (!ret && !is_dir(path))
		ret = pgo_err("cannot create directory '%s': not a directory", path);
	strbuf_release(&sb);
	return ret;
}

int remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *e;
	int ret = 0;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : pgo_err_errno("cannot stat '%s'", path);
	if (!S_ISDIR(st.st_mode)) {
		if (unlink(path) < 0 && errno != ENOENT)
			return pgo_err_errno("cannot remove '%s'", path);
		return 0;
	}
	d = opendir(path);
	if (!d)
		return pgo_err_errno("cannot open directory '%s'", path);
	while ((e = readdir(d))) {
		char *sub;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = path_join(path, e->d_name);
		if (remove_tree(sub) < 0)
			ret = -1;
		free(sub);
	}
	closedir(d);
	if (rmdir(path) < 0 && errno != ENOENT)
		ret = pgo_err_errno("cannot remove directory '%s'", path);
	return ret;
}

int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

char *make_temp_dir(const char *prefix)
{
	const char *tmp = getenv("TMPDIR");
	char *t = xasprintf("%s/%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", prefix);
	if (!mkdtemp(t)) {
		pgo_err_errno("cannot create a temporary directory '%s'", t);
		free(t);
		return NULL;
	}
	return t;
}
