/*
 * cli/cli.h - what the subcommands of the frm tool share.
 *
 * Each subcommand lives in its own file as `int cmd_NAME(int argc, char
 * **argv)` with its help text in `NAME_usage`; main.c holds the table.
 * argv[0] is the subcommand's name.  The return value is the exit status.
 */
#ifndef FRM_CLI_H
#define FRM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "frm/frm.h"
#include "util/error.h"
#include "util/jsonw.h"

enum {
    CLI_OK = 0,        /* success */
    CLI_FAILURE = 1,   /* the work failed: bad input, a missing baseline, I/O */
    CLI_USAGE = 2      /* the command line itself is wrong */
};

int cmd_analyze(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_score(int argc, char **argv);
int cmd_select(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_zoo(int argc, char **argv);
extern const char analyze_usage[];
extern const char bench_usage[];
extern const char import_usage[];
extern const char info_usage[];
extern const char predict_usage[];
extern const char profile_usage[];
extern const char run_usage[];
extern const char score_usage[];
extern const char select_usage[];
extern const char zoo_usage[];

/* "frm: error: ..." / "frm: warning: ..." on stderr. */
void cli_error(const char *fmt, ...) FRMI_PRINTF(1, 2);
void cli_warning(const char *fmt, ...) FRMI_PRINTF(1, 2);

/*
 * The records scoring left out because they lack a component their source
 * does not measure, as one note on stderr: a line per configuration (the
 * first few unless `all`), naming its models or saying the whole
 * configuration is out.  Nothing when n is 0.
 */
void cli_report_absent(const frm_score_absent *absent, size_t n, bool all);

/*
 * Writes `path` whole or not at all (util/output.h): `write` fills the
 * stream; on its failure (message in err) or any I/O error the old file
 * stays, the temporary is removed (on SIGINT/SIGTERM too), and the error
 * is reported.  CLI_OK or CLI_FAILURE.
 */
typedef frm_code (*cli_write_fn)(FILE *out, void *ctx, frm_error *err);
int cli_write_file(const char *path, cli_write_fn write, void *ctx);

/* The note that records of frm predict were left out of `ds`, when some were. */
void cli_report_predicted(const frm_dataset *ds);

/*
 * From here on SIGINT, SIGTERM and SIGHUP remove the output temporaries
 * still open (util/output.h) before the process ends by that signal as it
 * would have.  Idempotent.
 */
void cli_remove_temporaries_on_signals(void);

/* Reports a command-line mistake of `command` and returns CLI_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) FRMI_PRINTF(2, 3);

/*
 * Reports what getopt_long rejected (it returned '?' or ':', with opterr 0
 * and an option string starting with ':') and returns CLI_USAGE.
 */
int cli_bad_option(const char *command, int c, char **argv);

typedef enum cli_format {
    CLI_FORMAT_TABLE = 1,
    CLI_FORMAT_JSON = 2,
    CLI_FORMAT_CSV = 4
} cli_format;

/*
 * Parses a --format value among the `allowed` formats (a mask of
 * cli_format).  "text" is accepted as a synonym of "table".
 */
bool cli_parse_format(const char *arg, unsigned allowed, cli_format *out);

/*
 * Parses `arg`, the value of option `opt`, as a whole number in [lo, hi]
 * or a real number in [lo, hi]; on failure reports a usage error of
 * `command` and returns CLI_USAGE.
 */
int cli_parse_int(const char *command, const char *opt, const char *arg, long long lo,
                  long long hi, long long *out);
int cli_parse_real(const char *command, const char *opt, const char *arg, double lo, double hi,
                   double *out);

/*
 * Writes a report built in memory to standard output, whole or not at
 * all: CLI_FAILURE, said on stderr, when building it ran out of memory.
 */
int cli_write_report(const frmi_buf *out);

/* Writes one CSV field (RFC 4180 quoting when needed). */
void cli_csv_field(FILE *out, const char *s);

/*
 * Flushes and closes standard output and reports a write failure (a full
 * disk, a closed pipe): a result that was not fully written is a failure.
 * Returns `status` when all went well, CLI_FAILURE otherwise.
 */
int cli_finish(int status);

/* --- Benchmarking a list of models: bench_runner.c ------------------------ */

#define CLI_MAX_INPUTS 64

/* How to measure and record a list of models under one configuration. */
typedef struct cli_bench_plan {
    frm_bench_options opt;
    frm_input_shape inputs[CLI_MAX_INPUTS];  /* opt.inputs points here */
    const char *device;          /* NULL: slug of the CPU model (or "cuda-device-0") */
    frm_tier tier;               /* UNKNOWN: from the provider */
    const frm_accuracy *accuracy;
    int isolate;                 /* a fresh worker process per model */
    double timeout_s;            /* per model, isolated only; 0: none */
    const char *label;           /* shown in progress lines; may be NULL */
    int batch_given;             /* --batch was given: a model's fixed batch must agree */
} cli_bench_plan;

void cli_bench_plan_init(cli_bench_plan *p);

/* What happened to one model, for the summary table. */
typedef struct cli_bench_row {
    char model[128];
    int ok;
    double median, ci_lo, ci_hi, peak, macs;
} cli_bench_row;

typedef struct cli_bench_report {
    cli_bench_row *rows;
    size_t n_rows;
    size_t n_failed;
    int interrupted;             /* Ctrl-C: the remaining models were skipped */
    int write_failed;            /* the record file could not be written: stop */
    double inference_ms;         /* time inside timed runs, all models */
} cli_bench_report;

/*
 * Measures `models` one after another, appending one record per model to
 * `out` (an error record for a model that fails) and reporting failures on
 * standard error.  Ctrl-C once finishes the current model and skips the
 * rest; twice abandons the current model too.  Returns CLI_OK or
 * CLI_FAILURE (some model failed, or the run was interrupted); `rep` is
 * the caller's to release with cli_bench_report_release.
 */
int cli_bench_models(const cli_bench_plan *plan, char *const *models, size_t n_models, FILE *out,
                     cli_bench_report *rep);
void cli_bench_report_release(cli_bench_report *rep);

/* The summary table: model, median, 95% CI, peak memory, MACs. */
void cli_bench_print_summary(FILE *f, const cli_bench_report *rep);

/* The worker side of isolation: `frm bench --worker`, see bench.c. */
int cli_bench_worker(const cli_bench_plan *plan, const char *model);

#endif
