#define _GNU_SOURCE
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "banned.h"

extern char **environ;

void argv_push(struct argv_array *a, const char *s)
{
	ALLOC_GROW(a->v, a->n + 2, a->alloc);
	a->v[a->n++] = xstrdup(s);
	a->v[a->n] = NULL;
}

void argv_pushf(struct argv_array *a, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(a->v, a->n + 2, a->alloc);
	a->v[a->n++] = strbuf_detach(&sb, NULL);
	a->v[a->n] = NULL;
}

void argv_clear(struct argv_array *a)
{
	for (size_t i = 0; i < a->n; i++)
		free((char *)a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = a->alloc = 0;
}

char *find_program(const char *name)
{
	const char *path = getenv("PATH");
	if (strchr(name, '/'))
		return access(name, X_OK) == 0 ? xstrdup(name) : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		char *cand = n ? xasprintf("%.*s/%s", (int)n, path, name) : xstrdup(name);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!colon)
			break;
		path = colon + 1;
	}
	return NULL;
}

static char **build_env(const struct run_opts *o)
{
	size_t n = 0, k = 0;
	char **env;
	for (char **e = environ; *e; e++)
		n++;
	for (const char *const *a = o->env_add; a && *a; a++)
		n++;
	env = xcalloc(n + 1, sizeof(*env));
	for (char **e = environ; *e; e++) {
		int drop = 0;
		const char *eq = strchr(*e, '=');
		size_t klen = eq ? (size_t)(eq - *e) : strlen(*e);
		for (const char *const *u = o->env_unset; u && *u && !drop; u++)
			if (strlen(*u) == klen && !strncmp(*u, *e, klen))
				drop = 1;
		for (const char *const *a = o->env_add; a && *a && !drop; a++)
			if (!strncmp(*a, *e, klen) && (*a)[klen] == '=')
				drop = 1;
		if (!drop)
			env[k++] = *e;
	}
	for (const char *const *a = o->env_add; a && *a; a++)
		env[k++] = (char *)*a;
	env[k] = NULL;
	return env;
}

static void drain(int fds[2], struct strbuf *bufs[2])
{
	struct pollfd p[2];
	int open_n = 0;
	for (int i = 0; i < 2; i++) {
		p[i].fd = fds[i];
		p[i].events = POLLIN;
		if (fds[i] >= 0)
			open_n++;
	}
	while (open_n) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			ssize_t r;
			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			strbuf_grow(bufs[i], 8192);
			r = read(p[i].fd, bufs[i]->buf + bufs[i]->len, 8192);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				open_n--;
				continue;
			}
			strbuf_setlen(bufs[i], bufs[i]->len + (size_t)r);
		}
	}
}

static volatile sig_atomic_t forward_pid;

static void forward_signal(int sig)
{
	if (forward_pid > 0)
		kill((pid_t)forward_pid, sig);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

int run_command(const struct run_opts *o)
{
	struct sigaction saved[ARRAY_SIZE(forwarded)];
	int saved_persona = -1;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	int pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	char **env = NULL;
	pid_t pid;
	int rc, status;
	sigset_t none;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (o->out && pipe2(pout, O_CLOEXEC) < 0)
		goto pipe_fail;
	if (o->err && pipe2(perr, O_CLOEXEC) < 0)
		goto pipe_fail;
	if (o->out)
		posix_spawn_file_actions_adddup2(&fa, pout[1], 1);
	else if (o->stdout_to_stderr)
		posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (o->err)
		posix_spawn_file_actions_adddup2(&fa, perr[1], 2);
	if (o->null_stdin)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (o->stdout_file) {
		posix_spawn_file_actions_addopen(&fa, 1, o->stdout_file,
						 O_WRONLY | O_CREAT | O_APPEND, 0644);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	if (o->cwd)
		posix_spawn_file_actions_addchdir_np(&fa, o->cwd);
	if (o->env_add || o->env_unset)
		env = build_env(o);
	/* The personality is inherited across exec: set it around the spawn. */
	if (o->no_aslr) {
		saved_persona = personality(0xffffffff);
		if (saved_persona != -1)
			personality((unsigned long)saved_persona | ADDR_NO_RANDOMIZE);
	}
	if (o->forward_signals) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = forward_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		forward_pid = 0;
		for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
			sigaction(forwarded[i], &sa, &saved[i]);
	}

	rc = posix_spawnp(&pid, o->argv[0], &fa, &attr, (char *const *)o->argv,
			  env ? env : environ);
	if (rc == 0 && o->forward_signals)
		forward_pid = pid;
	if (saved_persona != -1)
		personality((unsigned long)saved_persona);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	free(env);
	if (pout[1] >= 0)
		close(pout[1]);
	if (perr[1] >= 0)
		close(perr[1]);
	if (rc != 0) {
		if (pout[0] >= 0)
			close(pout[0]);
		if (perr[0] >= 0)
			close(perr[0]);
		if (o->forward_signals)
			for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
				sigaction(forwarded[i], &saved[i], NULL);
		errno = rc;
		return pgo_err_errno("cannot run '%s'", o->argv[0]);
	}
	if (o->out || o->err) {
		struct strbuf dummy = STRBUF_INIT;
		struct strbuf *bufs[2] = { o->out ? o->out : &dummy, o->err ? o->err : &dummy };
		int fds[2] = { pout[0], perr[0] };
		drain(fds, bufs);
		strbuf_release(&dummy);
	}
	if (o->timeout_ms > 0) {
		/* Poll: a hung child must not hang pgo (smoke tests). */
		int waited = 0;
		for (;;) {
			pid_t w = waitpid(pid, &status, WNOHANG);
			if (w == pid)
				break;
			if (w < 0 && errno != EINTR) {
				pgo_err_errno("cannot wait for '%s'", o->argv[0]);
				status = -1;
				break;
			}
			if (waited >= o->timeout_ms) {
				kill(pid, SIGKILL);
				while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
					;
				pgo_err("'%s' did not finish within %d ms", o->argv[0], o->timeout_ms);
				status = -1;
				break;
			}
			{
				struct timespec ts = { 0, 10 * 1000 * 1000 };
				nanosleep(&ts, NULL);
			}
			waited += 10;
		}
	} else {
		struct rusage ru;
		while (wait4(pid, &status, 0, &ru) < 0) {
			if (errno != EINTR) {
				pgo_err_errno("cannot wait for '%s'", o->argv[0]);
				status = -1;
				break;
			}
		}
		if (status != -1 && o->cpu_us)
			*o->cpu_us = (long long)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec +
				     (long long)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
	}
	if (o->forward_signals) {
		forward_pid = 0;
		for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
			sigaction(forwarded[i], &saved[i], NULL);
	}
	if (status == -1)
		return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;

pipe_fail:
	pgo_err_errno("cannot create pipe");
	for (int i = 0; i < 2; i++) {
		if (pout[i] >= 0)
			close(pout[i]);
		if (perr[i] >= 0)
			close(perr[i]);
	}
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return -1;
}

int run_capture(const char *const *argv, struct strbuf *out, struct strbuf *err)
{
	struct run_opts o = { 0 };
	o.argv = argv;
	o.out = out;
	o.err = err;
	o.null_stdin = 1;
	return run_command(&o);
}
