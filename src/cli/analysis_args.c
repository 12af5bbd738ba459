/*
 * cli/analysis_args.c - what `frm analyze` and `frm select` share: the
 * analysis options, comma-separated lists, and loading the record files.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/analysis_args.h"

void cli_analysis_args_init(cli_analysis_args *a)
{
    memset(a, 0, sizeof *a);
    a->format = CLI_FORMAT_TABLE;
}

void cli_analysis_args_release(cli_analysis_args *a)
{
    for (size_t i = 0; i < a->n_owned; i++)
        free(a->owned[i]);
    free(a->owned);
    free(a->tiers);
    a->owned = NULL;
    a->tiers = NULL;
}

/* Keeps `p` until release; frees it and returns false when that fails. */
static bool own(cli_analysis_args *a, void *p)
{
    void **grown = realloc(a->owned, (a->n_owned + 1) * sizeof *grown);
    if (!grown) {
        free(p);
        return false;
    }
    a->owned = grown;
    a->owned[a->n_owned++] = p;
    return true;
}

int cli_split_list(const char *command, const char *opt, const char *arg,
                   cli_analysis_args *a, const char *const **items, size_t *n)
{
    char *copy = strdup(arg);
    size_t count = 1;
    for (const char *s = arg; *s; s++)
        count += *s == ',';
    const char **list = malloc(count * sizeof *list);
    if (!copy || !list || !own(a, copy) || !own(a, (void *)list)) {
        cli_error("out of memory");
        return CLI_FAILURE;
    }
    size_t k = 0;
    for (char *tok = copy, *end; tok; tok = end) {
        end = strchr(tok, ',');
        if (end)
            *end++ = '\0';
        if (*tok == '\0')
            return cli_usage_error(command, "%s '%s' has an empty name; give NAME,NAME,...",
                                   opt, arg);
        list[k++] = tok;
    }
    *items = list;
    *n = k;
    return CLI_OK;
}

static int add_tier(const char *command, const char *arg, cli_analysis_args *a)
{
    const char *eq = strrchr(arg, '=');
    frm_tier tier = eq ? frm_tier_parse(eq + 1) : FRM_TIER_UNKNOWN;
    if (!eq || eq == arg || tier == FRM_TIER_UNKNOWN)
        return cli_usage_error(command, "--tier-of '%s': give CONFIG=TIER or DEVICE=TIER with "
                                        "TIER gpu, cpu or edge", arg);
    char *key = strndup(arg, (size_t)(eq - arg));
    frmi_tier_override *grown = realloc(a->tiers, (a->n_tiers + 1) * sizeof *grown);
    if (grown)
        a->tiers = grown;
    if (!key || !grown || !own(a, key)) {
        cli_error("out of memory");
        return CLI_FAILURE;
    }
    a->tiers[a->n_tiers++] = (frmi_tier_override){key, tier};
    a->opts.tiers = a->tiers;
    a->opts.n_tiers = a->n_tiers;
    return CLI_OK;
}

int cli_analysis_option(const char *command, int c, const char *arg, cli_analysis_args *a)
{
    long long n;
    int rc;
    switch (c) {
    case 'b':
        a->opts.baseline = arg;
        return CLI_OK;
    case 'm':
        if (strcmp(arg, "frm") == 0)
            a->opts.metric = FRM_METRIC_FRM;
        else if (strcmp(arg, "frm_e") == 0)
            a->opts.metric = FRM_METRIC_FRM_E;
        else if (strcmp(arg, "frm_q") == 0)
            a->opts.metric = FRM_METRIC_FRM_Q;
        else
            return cli_usage_error(command, "unknown --metric '%s' (use frm, frm_e or frm_q)",
                                   arg);
        return CLI_OK;
    case CLI_OPT_FRM_Q:
        if (strcmp(arg, "error-ratio") == 0)
            a->opts.q_rule = FRM_Q_ERROR_RATIO;
        else if (strcmp(arg, "paper") == 0)
            a->opts.q_rule = FRM_Q_PAPER;
        else
            return cli_usage_error(command, "unknown --frm-q '%s' (use error-ratio or paper)",
                                   arg);
        return CLI_OK;
    case CLI_OPT_MIN_COMMON:
        if ((rc = cli_parse_int(command, "--min-common", arg, 3, 1000000, &n)) != CLI_OK)
            return rc;
        a->opts.min_common = (size_t)n;
        return CLI_OK;
    case CLI_OPT_ALPHA:
        if ((rc = cli_parse_real(command, "--alpha", arg, 1e-300, 0.5, &a->opts.alpha)) != CLI_OK)
            return rc;
        return CLI_OK;
    case CLI_OPT_MODELS:
        return cli_split_list(command, "--models", arg, a, &a->opts.models, &a->opts.n_models);
    case CLI_OPT_TIER_OF:
        return add_tier(command, arg, a);
    case CLI_OPT_DEDUPE:
        if (strcmp(arg, "first") == 0)
            a->dedupe = FRM_DEDUPE_FIRST;
        else if (strcmp(arg, "last") == 0)
            a->dedupe = FRM_DEDUPE_LAST;
        else
            return cli_usage_error(command, "unknown --dedupe '%s' (use first or last)", arg);
        return CLI_OK;
    case CLI_OPT_INCLUDE_PREDICTED:
        a->include_predicted = true;
        return CLI_OK;
    case CLI_OPT_VERBOSE:
        a->verbose = true;
        return CLI_OK;
    case CLI_OPT_SKIP_BAD:
        a->skip_bad = true;
        return CLI_OK;
    case 'f':
        if (!cli_parse_format(arg, CLI_FORMAT_TABLE | CLI_FORMAT_JSON, &a->format))
            return cli_usage_error(command, "unknown --format '%s' (use text or json)", arg);
        return CLI_OK;
    }
    return CLI_NOT_MINE;
}

typedef struct load_ctx {
    bool skip_bad;
} load_ctx;

static void on_bad_record(void *ctx, const frm_error *e)
{
    const load_ctx *l = ctx;
    const char *hint = e->code == FRM_E_DUPLICATE ? "; --dedupe first|last keeps one" : "";
    if (l->skip_bad)
        cli_warning("%s%s", e->message, hint);
    else
        cli_error("%s%s", e->message, hint);
}

frm_dataset *cli_analysis_load(char *const *files, size_t n_files, const cli_analysis_args *a)
{
    frm_dataset *ds;
    frm_error err;
    if (frm_dataset_new(&ds, a->dedupe, &err) != FRM_OK) {
        cli_error("%s", err.message);
        return NULL;
    }
    frm_dataset_keep_predicted(ds, a->include_predicted);
    load_ctx ctx = {a->skip_bad};
    bool clean = true, io_failed = false;
    for (size_t i = 0; i < n_files; i++) {
        frm_code rc = frm_dataset_load(ds, files[i], on_bad_record, &ctx, &err);
        if (rc == FRM_E_IO || rc == FRM_E_NOMEM) {
            cli_error("%s", err.message);
            io_failed = true;
        } else if (rc != FRM_OK) {
            clean = false;
        }
    }
    size_t rejected = frm_dataset_n_rejected(ds);
    cli_report_predicted(ds);
    if (!io_failed && !clean && !a->skip_bad)
        cli_error("%zu bad record%s; nothing analysed (fix them, or use --skip-bad to go on "
                  "without them)", rejected, rejected == 1 ? "" : "s");
    else if (!io_failed && frm_dataset_size(ds) == 0)
        cli_error("no \"ok\" records in the input");
    else if (!io_failed) {
        if (rejected)
            cli_warning("%zu bad record%s left out", rejected, rejected == 1 ? "" : "s");
        return ds;
    }
    frm_dataset_free(ds);
    return NULL;
}
