/*
 * fsutil: reading whole files and writing them durably.
 *
 * write_file_durable() is the only way pgo replaces a file that matters:
 * a temporary file is created beside the target with O_CREAT|O_EXCL and
 * mode 0600 (or the mode given), written with short-write checks, fsynced,
 * renamed over the target, and the directory is fsynced.  Readers see the
 * old file or the new one, never a mixture, and after a crash the new
 * name refers to complete data.  On any failure the temporary file is
 * removed and the target is untouched.
 */
#ifndef PGO_FSUTIL_H
#define PGO_FSUTIL_H

#include <stddef.h>
#include <sys/types.h>
#include "util.h"

/* Reads all of path into sb (appending).  Refuses files larger than max
   bytes (0 = no limit) with an error naming the file. */
int read_file(const char *path, struct strbuf *sb, size_t max);

/* Writes len bytes to path durably (see above).  mode is the final mode. */
int write_file_durable(const char *path, const void *data, size_t len, mode_t mode);

/* Like write_file_durable() but fails with EEXIST semantics when path
   already exists (the rename is a link + unlink).  Returns 1 when the
   file existed (and was left alone), 0 when written. */
int write_file_durable_new(const char *path, const void *data, size_t len, mode_t mode);

/* Writes everything or fails (handles EINTR and short writes). */
int write_all(int fd, const void *data, size_t len);

/* fsyncs the directory containing path. */
int fsync_parent_dir(const char *path);

/* mkdir -p with the given mode for created directories. */
int mkdir_p(const char *path, mode_t mode);

/* Removes a directory tree (no symlinks followed).  Missing is not an error. */
int remove_tree(const char *path);

/* Creates a private temporary directory under $TMPDIR (or /tmp) named
   PREFIX-XXXXXX; newly allocated path, or NULL with an error. */
char *make_temp_dir(const char *prefix);

int is_dir(const char *path);
int is_file(const char *path);

/* Directory of path ("." if none) and last component, newly allocated. */
char *path_dirname(const char *path);
const char *path_basename(const char *path);
/* dir + "/" + name, newly allocated. */
char *path_join(const char *dir, const char *name);
/* Absolute, normalized form of path (need not exist); newly allocated. */
char *path_absolute(const char *path);
/* The path of the running executable (/proc/self/exe), or NULL. */
char *self_exe_path(void);

#endif
