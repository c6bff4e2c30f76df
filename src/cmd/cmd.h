/*
 * cmd: the command layer.  One file per subcommand parses options, calls
 * the library and reports; only this layer prints results or exits.
 *
 * Exit codes (git's): 0 success, 1 failure, 128 fatal, 129 usage.
 */
#ifndef PGO_CMD_H
#define PGO_CMD_H

#include <getopt.h>
#include "util.h"
#include "store.h"
#include "toolchain.h"

#define EXIT_USAGE 129
#define EXIT_FATAL 128

/* Options every command accepts, set before the command or after it. */
struct global_opts {
	const char *store_dir;     /* --store DIR */
};
extern struct global_opts global_opts;

enum cmd_flags {
	CMD_NEEDS_STORE = 1 << 0,  /* open the store before running */
};

struct cmd_ctx {
	struct store store;        /* open when CMD_NEEDS_STORE */
};

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct cmd_ctx *ctx);
	unsigned flags;
	const char *summary;
};

/* The result of a build run by pgo build or pgo optimize. */
struct build_result {
	int mode;                  /* enum pgo_mode */
	char digest[DIGEST_HEX + 1];
	char *why;
	int status;                /* the build command's exit status */
	size_t fallbacks;          /* wrapper invocations without pgo's flags */
	size_t mismatches;         /* functions whose profile is out of date */
	size_t missing;            /* functions without profile data */
};
void build_result_release(struct build_result *r);
struct project;
struct build_request;
/* The build of pgo build.  log: send all output there (and stay quiet),
   or NULL to pass it through and report on stderr. */
int cmd_do_build(struct cmd_ctx *ctx, struct project *p, const struct build_request *req,
		 int argc, char **argv, int clean, const char *log, struct build_result *res);

/* The result of one training run (pgo run, pgo optimize). */
struct run_result {
	int status;                /* the command's exit status */
	size_t files;              /* profile files taken from the spool */
	char digest[DIGEST_HEX + 1];      /* this run's profile */
	char cumulative[DIGEST_HEX + 1];  /* all runs of the instrumented build */
	uint64_t runs;             /* pgo runs since the instrumented build */
	uint64_t processes;        /* processes of the instrumented build this run started */
	size_t functions, covered, newly_covered;
	uint64_t total;
};
int cmd_do_run(struct cmd_ctx *ctx, struct project *p, int argc, char **argv,
	       const char *program, const char *label, int aslr, const char *log,
	       struct run_result *res);

/* Managed programs (manage.c, daemon.c). */
struct program_rec;
int manage_build_generation(struct cmd_ctx *ctx, struct program_rec *r, const char *pgo,
			    const char *reason);
char *daemon_socket_path(const struct store *st);
int daemon_request(const struct store *st, const char *req, struct strbuf *reply);
int daemon_ensure_running(struct cmd_ctx *ctx);

/* Commands. */
int cmd_enable(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_disable(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_status(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_generations(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_rollback(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_daemon(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_cc(int argc, char **argv, int cxx);
int cmd_build(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_run(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_optimize(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_init(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_import(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_merge(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_show(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_diff(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_export(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_ls(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_gc(int argc, char **argv, struct cmd_ctx *ctx);
int cmd_inspect(int argc, char **argv, struct cmd_ctx *ctx);

/*
 * Option parsing shared by the commands: getopt_long over the command's
 * options plus --store and --help.  usage is printed for --help (exit 0)
 * and for a usage error (exit 129).  Returns the option character, -1 at
 * the end, like getopt_long.
 */
int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       const char *usage);
PGO_NORETURN void cmd_usage_error(const char *usage, const char *fmt, ...) PGO_PRINTF(2, 3);

/* --system / --shared: the store is the shared one of the system
   instance, and programs' spools are shared by every user.  Prints the
   error and returns -1 when the store cannot be shared. */
int cmd_use_shared_store(struct cmd_ctx *ctx);

/* Parses --toolchain: "clang-14", "clang 22.1.8", "gcc-12", or a compiler
   path/name to run.  Dies with a usage error if it cannot be understood. */
void cmd_parse_toolchain(const char *arg, struct toolchain *tc);

/*
 * A REF names a profile: a path (anything with a '/', or an existing file
 * that is not a digest or program in the store), a digest, a unique
 * prefix, or a program name.  Loads the profile.  *digest is set (and
 * *stored true) when it came from the store; a file is read, not stored.
 */
struct loaded_ref {
	struct profile prof;
	char digest[DIGEST_HEX + 1];
	int stored;
	char *path;            /* when read from a file */
	uint64_t runs;         /* raw profiles read, for a file */
};
int cmd_load_ref(struct store *st, const char *ref, const struct toolchain *hint,
		 struct loaded_ref *out);
void loaded_ref_release(struct loaded_ref *r);

/* Command line as one string, for provenance. */
char *cmd_line_string(int argc, char **argv);

/* Flushes and checks stdout; returns the exit code to use. */
int cmd_finish_stdout(int code);

/* "12.3 K", "4.56 M" ... */
void format_count(struct strbuf *sb, uint64_t v);
/* 2026-11-21 10:04 UTC */
void format_time(struct strbuf *sb, int64_t t);

#endif
