/*
 * pgod (pgo daemon): collects profiles of managed programs as they run,
 * decides when there is enough data, and has the optimized generation
 * built, checked and switched in, one build at a time, at low priority.
 *
 * One instance per store: a lock file (flock) in the store keeps a second
 * one out, and the control socket ($XDG_RUNTIME_DIR/pgo/pgod-HASH.sock,
 * else STORE/pgod.sock) answers "ping", "status", "reload" and "stop".
 * Builds run as separate processes ("pgo daemon job ..."), which record
 * their own results; a daemon killed at any moment leaves a consistent
 * store, and on restart repairs what a killed job left (see managed.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "fsutil.h"
#include "hash.h"
#include "managed.h"
#include "project.h"
#include "run.h"
#include "banned.h"

static const char usage[] =
	"usage: pgo daemon [--foreground] [--system] [--interval SECONDS]   (also: pgod)\n"
	"       pgo daemon [--system] stop | reload | status | ping\n"
	"\n"
	"Runs pgod for the store: it watches the spools of the programs enabled\n"
	"with 'pgo enable', collects their profiles while they run, and when\n"
	"[policy] is met builds the optimized generation in the background, runs\n"
	"[smoke], and switches the program's stable path to it.  One instance\n"
	"per store.  Without --foreground it detaches and logs to STORE/pgod.log.\n"
	"\n"
	"  --foreground        stay attached, log to standard error\n"
	"  --system            the system instance: socket in /run/pgo, programs\n"
	"                      enabled with --shared, whose spools every user's\n"
	"                      runs write to (each in a directory of its own)\n"
	"  --interval SECONDS  also look at every spool this often (default 10)\n"
	"  stop, reload        ask the running pgod to stop, or to re-read\n"
	"  status, ping        what the running pgod is doing; whether it runs\n";

char *daemon_socket_path(const struct store *st)
{
	/* The system instance listens in /run/pgo ($PGO_RUN_DIR for tests). */
	const char *rt = getenv("PGO_SYSTEM") ? (getenv("PGO_RUN_DIR") ? getenv("PGO_RUN_DIR") : "/run")
					      : getenv("XDG_RUNTIME_DIR");
	char hex[SHA256_HEX_LEN + 1];
	if (rt && *rt == '/') {
		char *dir = xasprintf("%s/pgo", rt);
		char *p;
		sha256_hex(st->dir, strlen(st->dir), hex);
		mkdir_p(dir, 0700);
		p = xasprintf("%s/pgod-%.12s.sock", dir, hex);
		free(dir);
		if (strlen(p) < sizeof(((struct sockaddr_un *)0)->sun_path))
			return p;
		free(p);
	}
	return path_join(st->dir, "pgod.sock");
}

static int connect_socket(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends one request line; the reply is read to the end. 0, 1 when pgod
   does not run, -1 on error. */
int daemon_request(const struct store *st, const char *req, struct strbuf *reply)
{
	char *path = daemon_socket_path(st);
	int fd = connect_socket(path);
	free(path);
	if (fd < 0)
		return 1;
	/* A pgod that goes away mid-answer is an error, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	/* One write: pgod reads one request and answers at once. */
	{
		char *line = xasprintf("%s\n", req);
		int rc = write_all(fd, line, strlen(line));
		free(line);
		if (rc < 0) {
			close(fd);
			return pgo_err_errno("cannot talk to pgod");
		}
	}
	shutdown(fd, SHUT_WR);
	for (;;) {
		ssize_t n;
		strbuf_grow(reply, 4096);
		n = read(fd, reply->buf + reply->len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		strbuf_setlen(reply, reply->len + (size_t)n);
	}
	close(fd);
	return 0;
}

/* This pgo, to start again as the daemon or a build; "pgo" from PATH
   where /proc is not there. */
static char *self_exe(void)
{
	char *self = self_exe_path();
	return self ? self : xstrdup("pgo");
}

/* Starts "pgo --store DIR daemon" detached, unless one answers already. */
int daemon_ensure_running(struct cmd_ctx *ctx)
{
	struct strbuf reply = STRBUF_INIT;
	char *exe;
	pid_t pid;
	int rc = daemon_request(&ctx->store, "ping", &reply);
	strbuf_release(&reply);
	if (rc <= 0)
		return rc;
	exe = self_exe();
	pid = fork();
	if (pid < 0) {
		free(exe);
		return pgo_err_errno("cannot fork");
	}
	if (pid == 0) {
		const char *argv[] = { exe, "--store", ctx->store.dir, "daemon", NULL };
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	free(exe);
	/* It detaches by itself: this child exits soon; wait for its socket. */
	waitpid(pid, NULL, 0);
	for (int i = 0; i < 200; i++) {
		struct strbuf r2 = STRBUF_INIT;
		rc = daemon_request(&ctx->store, "ping", &r2);
		strbuf_release(&r2);
		if (rc == 0)
			return 0;
		usleep(10000);
	}
	return pgo_err("pgod did not come up (see %s/pgod.log)", ctx->store.dir);
}

/* The daemon */

static volatile sig_atomic_t want_stop, want_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		want_reload = 1;
	else
		want_stop = 1;
}

static void logf_(const char *fmt, ...) PGO_PRINTF(1, 2);
static void logf_(const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	char when[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	strbuf_addf(&sb, "%s pgod[%ld]: ", when, (long)getpid());
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addch(&sb, '\n');
	(void)write_all(2, sb.buf, sb.len);
	strbuf_release(&sb);
}

struct watch {
	char *name;
	char *spool;
	int wd;
	int dirty;
	time_t last_scan;
};

struct dstate {
	struct cmd_ctx *ctx;
	int inotify;
	struct watch *w;
	size_t nw, alloc;
	pid_t job;
	char *job_name;
	time_t last_stale_check;
	int interval;
};

static struct watch *find_watch(struct dstate *d, const char *name)
{
	for (size_t i = 0; i < d->nw; i++)
		if (!strcmp(d->w[i].name, name))
			return &d->w[i];
	return NULL;
}

struct sync_ctx {
	struct dstate *d;
	char **seen;
	size_t nseen, alloc;
};

static int sync_cb(const struct program_rec *r, void *vctx)
{
	struct sync_ctx *s = vctx;
	struct dstate *d = s->d;
	struct watch *w;
	if (strcmp(r->state, STATE_PROFILING) || !r->spool)
		return 0;
	ALLOC_GROW(s->seen, s->nseen + 1, s->alloc);
	s->seen[s->nseen++] = xstrdup(r->name);
	w = find_watch(d, r->name);
	if (w && !strcmp(w->spool, r->spool))
		return 0;
	if (w) {
		/* A new instrumented generation: a new spool. */
		if (w->wd >= 0)
			inotify_rm_watch(d->inotify, w->wd);
		free(w->spool);
	} else {
		ALLOC_GROW(d->w, d->nw + 1, d->alloc);
		w = &d->w[d->nw++];
		memset(w, 0, sizeof(*w));
		w->name = xstrdup(r->name);
	}
	w->spool = xstrdup(r->spool);
	mkdir_p(w->spool, 0755);
	w->wd = inotify_add_watch(d->inotify, w->spool, IN_CLOSE_WRITE | IN_MOVED_TO);
	w->dirty = 1;
	logf_("%s: watching %s", r->name, r->spool);
	return 0;
}

static void sync_watches(struct dstate *d)
{
	struct sync_ctx s = { d, NULL, 0, 0 };
	size_t k = 0;
	if (index_program_list(d->ctx->store.idx, sync_cb, &s) < 0) {
		logf_("cannot list programs: %s", pgo_errmsg());
		return;
	}
	/* Programs no longer profiling lose their watch. */
	for (size_t i = 0; i < d->nw; i++) {
		int keep = 0;
		for (size_t j = 0; j < s.nseen; j++)
			keep |= !strcmp(s.seen[j], d->w[i].name);
		if (keep) {
			d->w[k++] = d->w[i];
		} else {
			if (d->w[i].wd >= 0)
				inotify_rm_watch(d->inotify, d->w[i].wd);
			free(d->w[i].name);
			free(d->w[i].spool);
		}
	}
	d->nw = k;
	for (size_t j = 0; j < s.nseen; j++)
		free(s.seen[j]);
	free(s.seen);
}

static void start_job(struct dstate *d, const char *kind, const char *name)
{
	char *exe = self_exe();
	pid_t pid = fork();
	if (pid < 0) {
		logf_("%s: cannot start a build: %s", name, strerror(errno));
		free(exe);
		return;
	}
	if (pid == 0) {
		const char *argv[] = { exe, "--store", d->ctx->store.dir, "daemon", "job", kind,
				       name, NULL };
		execv(exe, (char *const *)argv);
		_exit(127);
	}
	free(exe);
	d->job = pid;
	free(d->job_name);
	d->job_name = xstrdup(name);
	logf_("%s: %s job started (pid %ld)", name, kind, (long)pid);
}

static void reap_job(struct dstate *d)
{
	int status;
	pid_t w;
	if (!d->job)
		return;
	w = waitpid(d->job, &status, WNOHANG);
	if (w != d->job)
		return;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		logf_("%s: job finished", d->job_name);
	else
		logf_("%s: job failed (status %d)", d->job_name,
		      WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	d->job = 0;
}

/*
 * Whether an event is news: a program wrote a profile or started.  Taking
 * a file leaves it empty (and closing it after writing is an event too),
 * so an empty file is pgod's own doing and must not wake it again.
 */
static int written_to(const char *spool, const char *name)
{
	char *p;
	struct stat sb;
	int r;
	if (!str_ends_with(name, ".profraw") && !str_ends_with(name, ".gcda") &&
	    strcmp(name, "pgo-runs"))
		return 0;
	p = path_join(spool, name);
	r = stat(p, &sb) == 0 && sb.st_size > 0;
	free(p);
	return r;
}

/* The identity of the C compiler a project builds with now ([project] cc,
   else $CC, else cc), or NULL.  Cached by toolchain_detect(). */
static char *project_compiler_id(const char *root)
{
	struct project p;
	struct toolchain tc;
	struct argv_array words = ARGV_ARRAY_INIT;
	const char *cc;
	char *id = NULL;
	if (project_open(root, &p) < 0) {
		pgo_err_clear();
		return NULL;
	}
	cc = conf_get(&p.conf, "project", "cc");
	if (!cc)
		cc = getenv("CC");
	if (!cc || !*cc)
		cc = "cc";
	if (conf_split_command(cc, &words) == 0 && toolchain_detect(words.v[words.n - 1], &tc) == 0) {
		id = toolchain_id(&tc);
		toolchain_release(&tc);
	}
	pgo_err_clear();
	argv_clear(&words);
	project_release(&p);
	return id;
}

struct tick_ctx {
	struct dstate *d;
	time_t now;
	int stale_check;
};

static int tick_cb(const struct program_rec *cr, void *vctx)
{
	struct tick_ctx *t = vctx;
	struct dstate *d = t->d;
	struct program_rec r;
	struct policy pol;

	if (d->job && d->job_name && !strcmp(d->job_name, cr->name))
		return 0;
	policy_for_project(cr->project, &pol);
	/* A private copy: managed_ingest updates it. */
	if (index_program_get(d->ctx->store.idx, cr->name, &r) != 0)
		return 0;
	if (!strcmp(r.state, STATE_PROFILING)) {
		struct watch *w = find_watch(d, r.name);
		if (w && (w->dirty || t->now - w->last_scan >= d->interval)) {
			int rc = managed_ingest(&d->ctx->store, &r, &pol);
			w->dirty = 0;
			w->last_scan = t->now;
			if (rc < 0)
				logf_("%s: cannot collect: %s", r.name, pgo_errmsg());
			else if (rc > 0)
				logf_("%s: collected: %llu runs, %llu counts, stability %.4f", r.name,
				      (unsigned long long)r.runs, (unsigned long long)r.counts,
				      r.stability);
		}
		if (!d->job && t->stale_check) {
			/* Profiles of another compiler cannot be used: start over. */
			char *now_tc = project_compiler_id(r.project);
			if (now_tc && r.toolchain && strcmp(now_tc, r.toolchain)) {
				logf_("%s: the compiler changed from %s to %s", r.name, r.toolchain,
				      now_tc);
				start_job(d, "reprofile", r.name);
			}
			free(now_tc);
		}
		if (!d->job && r.cumulative && policy_ready(&pol, &r, NULL) && t->now >= r.next_try)
			start_job(d, "build", r.name);
	} else if (!strcmp(r.state, STATE_OPTIMIZED) && t->stale_check && !d->job) {
		char *sig = managed_source_signature(r.project);
		char *now_tc = project_compiler_id(r.project);
		if (now_tc && r.toolchain && strcmp(now_tc, r.toolchain)) {
			logf_("%s: the compiler changed from %s to %s", r.name, r.toolchain, now_tc);
			start_job(d, "reprofile", r.name);
		} else if (r.source_sig && strcmp(sig, r.source_sig)) {
			logf_("%s: the sources changed since generation %lld", r.name,
			      (long long)r.generation);
			start_job(d, "reprofile", r.name);
		} else if (pol.max_age && r.updated && t->now - r.updated > pol.max_age) {
			logf_("%s: the profile is older than %lld s", r.name, (long long)pol.max_age);
			start_job(d, "reprofile", r.name);
		}
		free(sig);
		free(now_tc);
	}
	program_rec_release(&r);
	return 0;
}

static void handle_client(struct dstate *d, int fd)
{
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	struct strbuf out = STRBUF_INIT;
	if (n <= 0) {
		close(fd);
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!strcmp(buf, "ping")) {
		strbuf_addf(&out, "pgod %ld\n", (long)getpid());
	} else if (!strcmp(buf, "stop")) {
		strbuf_addstr(&out, "stopping\n");
		want_stop = 1;
	} else if (!strcmp(buf, "reload")) {
		strbuf_addstr(&out, "reloading\n");
		want_reload = 1;
	} else if (!strcmp(buf, "status")) {
		strbuf_addf(&out, "pid %ld\nwatching %zu\n", (long)getpid(), d->nw);
		for (size_t i = 0; i < d->nw; i++)
			strbuf_addf(&out, "watch %s %s\n", d->w[i].name, d->w[i].spool);
		if (d->job)
			strbuf_addf(&out, "job %s %ld\n", d->job_name, (long)d->job);
	} else {
		strbuf_addf(&out, "error unknown request '%.64s'\n", buf);
	}
	(void)write_all(fd, out.buf, out.len);
	strbuf_release(&out);
	close(fd);
}

struct startup_ctx {
	struct dstate *d;
};

static int startup_cb(const struct program_rec *cr, void *vctx)
{
	struct startup_ctx *s = vctx;
	struct program_rec r;
	if (index_program_get(s->d->ctx->store.idx, cr->name, &r) != 0)
		return 0;
	managed_clean_temporaries(&s->d->ctx->store, r.name);
	if (managed_reconcile(&s->d->ctx->store, &r))
		logf_("%s: repaired: current generation is %lld", r.name, (long long)r.generation);
	if (!strcmp(r.state, STATE_BUILDING)) {
		/* The job that was building died with the daemon or after it. */
		managed_set_state(&s->d->ctx->store, &r, STATE_PROFILING,
				  "the optimized build was interrupted; it will be tried again");
		logf_("%s: an interrupted build will be tried again", r.name);
	}
	program_rec_release(&r);
	return 0;
}

static int run_daemon(struct cmd_ctx *ctx, int foreground, int interval)
{
	struct dstate d;
	struct sockaddr_un sa;
	char *lockp = path_join(ctx->store.dir, "pgod.lock"), *sockp = daemon_socket_path(&ctx->store);
	int lockfd, lfd = -1, ret = 1;
	struct sigaction sig;
	struct startup_ctx sc;

	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.interval = interval;
	lockfd = open(lockp, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lockfd < 0) {
		fprintf(stderr, "pgo: error: cannot open '%s': %s\n", lockp, strerror(errno));
		goto out;
	}
	if (flock(lockfd, LOCK_EX | LOCK_NB) < 0) {
		struct strbuf pid = STRBUF_INIT;
		read_file(lockp, &pid, 64);
		strbuf_trim_trailing_newline(&pid);
		fprintf(stderr, "pgo: error: pgod is already running for '%s' (pid %s)\n",
			ctx->store.dir, pid.len ? pid.buf : "?");
		strbuf_release(&pid);
		close(lockfd);
		goto out;
	}
	if (!foreground) {
		/* Detach: the parent returns to the shell, the child leads a
		   new session and logs to the store. */
		char *logp = path_join(ctx->store.dir, "pgod.log");
		int logfd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600), nullfd;
		pid_t pid;
		free(logp);
		if (logfd < 0) {
			fprintf(stderr, "pgo: error: cannot open the log: %s\n", strerror(errno));
			goto out;
		}
		pid = fork();
		if (pid < 0)
			goto out;
		if (pid > 0)
			_exit(0);
		setsid();
		nullfd = open("/dev/null", O_RDWR);
		dup2(nullfd, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		close(nullfd);
		close(logfd);
		/* The lock (flock) is held by the open file, inherited. */
	}
	if (ftruncate(lockfd, 0) == 0) {
		char pidbuf[32];
		int n = snprintf(pidbuf, sizeof(pidbuf), "%ld\n", (long)getpid());
		(void)!pwrite(lockfd, pidbuf, (size_t)n, 0);
	}
	unlink(sockp);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockp);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 16) < 0) {
		logf_("cannot listen on '%s': %s", sockp, strerror(errno));
		goto out;
	}
	chmod(sockp, 0600);
	d.inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (d.inotify < 0) {
		logf_("cannot use inotify: %s", strerror(errno));
		goto out;
	}
	memset(&sig, 0, sizeof(sig));
	sig.sa_handler = on_signal;
	sigemptyset(&sig.sa_mask);
	sigaction(SIGTERM, &sig, NULL);
	sigaction(SIGINT, &sig, NULL);
	sigaction(SIGHUP, &sig, NULL);
	signal(SIGPIPE, SIG_IGN);
	logf_("started for store %s, socket %s", ctx->store.dir, sockp);
	sc.d = &d;
	index_program_list(ctx->store.idx, startup_cb, &sc);

	while (!want_stop) {
		struct pollfd pf[2];
		struct tick_ctx t;
		if (want_reload) {
			want_reload = 0;
			logf_("reloading");
			for (size_t i = 0; i < d.nw; i++)
				d.w[i].dirty = 1;
		}
		sync_watches(&d);
		pf[0].fd = d.inotify;
		pf[0].events = POLLIN;
		pf[1].fd = lfd;
		pf[1].events = POLLIN;
		if (poll(pf, 2, 1000) < 0 && errno != EINTR)
			break;
		if (pf[0].revents & POLLIN) {
			char buf[8192] __attribute__((aligned(__alignof__(struct inotify_event))));
			ssize_t n;
			while ((n = read(d.inotify, buf, sizeof(buf))) > 0) {
				for (char *p = buf; p < buf + n;) {
					struct inotify_event *ev = (struct inotify_event *)(void *)p;
					for (size_t i = 0; i < d.nw; i++)
						if (d.w[i].wd == ev->wd && ev->len &&
						    written_to(d.w[i].spool, ev->name))
							d.w[i].dirty = 1;
					p += sizeof(*ev) + ev->len;
				}
			}
		}
		if (pf[1].revents & POLLIN) {
			int cfd;
			while ((cfd = accept(lfd, NULL, NULL)) >= 0) {
				fcntl(cfd, F_SETFD, FD_CLOEXEC);
				handle_client(&d, cfd);
			}
		}
		reap_job(&d);
		t.d = &d;
		t.now = time(NULL);
		/* Sources, compiler and profile age change slowly: look now and then. */
		t.stale_check = t.now - d.last_stale_check >= 6 * d.interval;
		if (t.stale_check)
			d.last_stale_check = t.now;
		index_program_list(ctx->store.idx, tick_cb, &t);
	}
	logf_("stopping");
	if (d.job)
		logf_("%s: the running job goes on and records its result", d.job_name);
	ret = 0;
out:
	if (lfd >= 0) {
		close(lfd);
		unlink(sockp);
	}
	for (size_t i = 0; i < d.nw; i++) {
		free(d.w[i].name);
		free(d.w[i].spool);
	}
	free(d.w);
	free(d.job_name);
	free(lockp);
	free(sockp);
	return ret;
}

/* "pgo daemon job build|reprofile NAME": one build, in its own process. */
static int run_job(struct cmd_ctx *ctx, const char *kind, const char *name)
{
	struct program_rec r;
	struct policy pol;
	char *why;
	int rc;

	setpriority(PRIO_PROCESS, 0, 10);
	if (index_program_get(ctx->store.idx, name, &r) != 0) {
		logf_("%s: not a managed program", name);
		return 1;
	}
	policy_for_project(r.project, &pol);
	if (!strcmp(kind, "reprofile")) {
		rc = manage_build_generation(ctx, &r, "instrument",
					     "the sources, compiler or profile age changed: profiling again");
		if (rc < 0)
			logf_("%s: cannot build the instrumented generation: %s", name, pgo_errmsg());
		else
			logf_("%s: generation %lld (instrumented): profiling again", name,
			      (long long)r.generation);
		program_rec_release(&r);
		return rc < 0;
	}
	{
		char *ready_why = NULL;
		policy_ready(&pol, &r, &ready_why);
		why = xasprintf("enough data (%llu runs, %llu counts, stability %.4f): building the optimized generation",
				(unsigned long long)r.runs, (unsigned long long)r.counts, r.stability);
		free(ready_why);
	}
	managed_set_state(&ctx->store, &r, STATE_BUILDING, why);
	free(why);
	why = xasprintf("optimized with profile %.12s (%llu runs)", r.cumulative,
			(unsigned long long)r.runs);
	rc = manage_build_generation(ctx, &r, r.cumulative, why);
	free(why);
	if (rc < 0) {
		int64_t wait = pol.backoff;
		struct strbuf msg = STRBUF_INIT;
		for (int64_t i = 1; i < r.failures + 1 && wait < 86400; i++)
			wait *= 2;
		if (wait > 86400)
			wait = 86400;
		r.failures++;
		r.next_try = (int64_t)time(NULL) + wait;
		free(r.last_build);
		r.last_build = xasprintf("failed: %s", pgo_errmsg());
		strbuf_addf(&msg, "the optimized build failed (%s); the current generation stays, next try in %lld s",
			    pgo_errmsg(), (long long)wait);
		managed_set_state(&ctx->store, &r, STATE_PROFILING, msg.buf);
		logf_("%s: %s", name, msg.buf);
		strbuf_release(&msg);
		program_rec_release(&r);
		return 1;
	}
	logf_("%s: switched to generation %lld (optimized): %s", name, (long long)r.generation,
	      r.reason);
	program_rec_release(&r);
	return 0;
}

int cmd_daemon(int argc, char **argv, struct cmd_ctx *ctx)
{
	static const struct option opts[] = {
		{ "foreground", no_argument, NULL, 'f' },
		{ "interval", required_argument, NULL, 'i' },
		{ "system", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	int c, foreground = 0;
	uint64_t interval = 10;

	while ((c = cmd_getopt(argc, argv, "+", opts, usage)) != -1) {
		switch (c) {
		case 'f': foreground = 1; break;
		case 's':
			if (cmd_use_shared_store(ctx) < 0)
				return 1;
			break;
		case 'i':
			if (parse_u64_str(optarg, &interval) < 0 || !interval || interval > 86400)
				cmd_usage_error(usage, "--interval takes 1 to 86400 seconds");
			break;
		default: cmd_usage_error(usage, "unexpected option");
		}
	}
	if (optind < argc) {
		const char *verb = argv[optind];
		struct strbuf reply = STRBUF_INIT;
		int rc;
		if (!strcmp(verb, "job")) {
			if (argc - optind != 3)
				cmd_usage_error(usage, "job takes a kind and a program");
			return run_job(ctx, argv[optind + 1], argv[optind + 2]);
		}
		if (strcmp(verb, "stop") && strcmp(verb, "reload") && strcmp(verb, "status") &&
		    strcmp(verb, "ping"))
			cmd_usage_error(usage, "unknown daemon command '%s'", verb);
		rc = daemon_request(&ctx->store, verb, &reply);
		if (rc > 0) {
			fprintf(stderr, "pgo: pgod is not running for '%s'\n", ctx->store.dir);
			return 1;
		}
		if (rc < 0) {
			fprintf(stderr, "pgo: error: %s\n", pgo_errmsg());
			return 1;
		}
		fwrite(reply.buf, 1, reply.len, stdout);
		strbuf_release(&reply);
		if (!strcmp(verb, "stop")) {
			/* Wait until it is gone, so that scripts can go on. */
			for (int i = 0; i < 500; i++) {
				struct strbuf r2 = STRBUF_INIT;
				rc = daemon_request(&ctx->store, "ping", &r2);
				strbuf_release(&r2);
				if (rc > 0)
					break;
				usleep(10000);
			}
		}
		return 0;
	}
	return run_daemon(ctx, foreground, (int)interval);
}
