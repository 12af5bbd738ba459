/*
 * cli/analysis_args.h - options and input shared by `frm analyze` and
 * `frm select`.
 */
#ifndef FRM_CLI_ANALYSIS_ARGS_H
#define FRM_CLI_ANALYSIS_ARGS_H

#include "analysis/analysis.h"
#include "cli/cli.h"

/* getopt codes of the shared long options without a short form. */
enum {
    CLI_OPT_FRM_Q = 1000,
    CLI_OPT_MIN_COMMON,
    CLI_OPT_ALPHA,
    CLI_OPT_MODELS,
    CLI_OPT_TIER_OF,
    CLI_OPT_DEDUPE,
    CLI_OPT_SKIP_BAD,
    CLI_OPT_VERBOSE,
    CLI_OPT_INCLUDE_PREDICTED,
    CLI_OPT_FIRST_OWN        /* a command's own codes start here */
};

/* Returned by cli_analysis_option for an option it does not handle. */
#define CLI_NOT_MINE (-2)

/* The shared entries of a getopt_long table, to copy into a command's. */
#define CLI_ANALYSIS_LONG_OPTIONS                                   \
    {"baseline", required_argument, NULL, 'b'},                     \
    {"metric", required_argument, NULL, 'm'},                       \
    {"frm-q", required_argument, NULL, CLI_OPT_FRM_Q},              \
    {"min-common", required_argument, NULL, CLI_OPT_MIN_COMMON},    \
    {"alpha", required_argument, NULL, CLI_OPT_ALPHA},              \
    {"models", required_argument, NULL, CLI_OPT_MODELS},            \
    {"tier-of", required_argument, NULL, CLI_OPT_TIER_OF},          \
    {"dedupe", required_argument, NULL, CLI_OPT_DEDUPE},            \
    {"skip-bad", no_argument, NULL, CLI_OPT_SKIP_BAD},              \
    {"verbose", no_argument, NULL, CLI_OPT_VERBOSE},                \
    {"include-predicted", no_argument, NULL, CLI_OPT_INCLUDE_PREDICTED}, \
    {"format", required_argument, NULL, 'f'}

#define CLI_ANALYSIS_SHORT_OPTIONS "b:m:f:"

/* The shared options' lines of --help. */
#define CLI_ANALYSIS_OPTIONS_HELP                                                     \
    "  -b, --baseline NAME     normalise every configuration by NAME (default\n"     \
    "                          resnet50); ranks do not depend on it, CVs do\n"       \
    "  -m, --metric M          frm (default), frm_e (needs energy_mj) or frm_q\n"    \
    "                          (needs accuracy_top1)\n"                              \
    "      --frm-q RULE        error-ratio (default) or paper\n"                     \
    "      --min-common N      compare two configurations only on N or more\n"       \
    "                          common models (default 4, at least 3)\n"              \
    "      --alpha A           significance level (default 0.05)\n"                  \
    "      --models LIST       analyse only these models (comma-separated)\n"        \
    "      --tier-of KEY=TIER  set the tier (gpu, cpu, edge) of a config_id or of\n" \
    "                          every configuration of a device; repeatable\n"        \
    "      --dedupe WHICH      keep the first or last of several records for one\n"  \
    "                          (config_id, model); without it they are an error\n"   \
    "      --skip-bad          warn about bad records and go on without them\n"      \
    "      --verbose           list every record left out for lacking MACs or\n"    \
    "                          memory (their source measures none)\n"              \
    "      --include-predicted use records of 'frm predict' as measurements\n"      \
    "  -f, --format FMT        text (default) or json\n"

typedef struct cli_analysis_args {
    frmi_analysis_options opts;
    frm_dedupe dedupe;
    bool skip_bad, verbose, include_predicted;
    cli_format format;
    frmi_tier_override *tiers;
    size_t n_tiers;
    void **owned;              /* copies of list arguments, freed on release */
    size_t n_owned;
} cli_analysis_args;

void cli_analysis_args_init(cli_analysis_args *a);
void cli_analysis_args_release(cli_analysis_args *a);

/*
 * Handles getopt code `c` with argument `arg` if it is a shared option:
 * CLI_OK, CLI_USAGE or CLI_FAILURE (reported), or CLI_NOT_MINE.
 */
int cli_analysis_option(const char *command, int c, const char *arg, cli_analysis_args *a);

/* Splits "a,b,c" into *items (owned by `a`); an empty name is a usage error. */
int cli_split_list(const char *command, const char *opt, const char *arg,
                   cli_analysis_args *a, const char *const **items, size_t *n);

/*
 * Loads the record files into a new dataset, reporting bad records; NULL
 * (reported) when a file cannot be read, when records are bad without
 * --skip-bad, or when nothing is left.
 */
frm_dataset *cli_analysis_load(char *const *files, size_t n_files, const cli_analysis_args *a);

#endif
