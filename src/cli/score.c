/*
 * cli/score.c - `frm score`: FRM per configuration from benchmark records.
 */
#include <getopt.h>
#include <math.h>
#include <string.h>

#include "cli/cli.h"
#include "util/jsonw.h"

const char score_usage[] =
    "usage: frm score [options] FILE...\n"
    "\n"
    "Reads benchmark records (JSON Lines, schema frm.record/1; '-' is standard\n"
    "input), groups them by config_id, and scores every model of every\n"
    "configuration against the baseline model measured in that configuration:\n"
    "\n"
    "  r_flops   = MACs(M) / MACs(B)        (--ops flops uses FLOPs instead)\n"
    "  r_latency = lat(M) / lat(B)          per sample: latency_ms.median / config.batch\n"
    "  r_memory  = mem(M) / mem(B)          memory_mb.peak\n"
    "  frm       = (r_flops * r_latency * r_memory)^(1/3)\n"
    "  frm_e     = (r_flops * r_latency * r_memory * r_energy)^(1/4)\n"
    "  frm_q     = frm * (1 - acc(M)) / (1 - acc(B))   (--frm-q error-ratio, default)\n"
    "  frm_q     = frm / (1 - acc(M))                  (--frm-q paper, as printed in\n"
    "              the FRM paper; it favours less accurate models, see docs/metric.md)\n"
    "\n"
    "Lower is better.  'rank' orders models by the metric within a configuration\n"
    "(1 = most efficient, ties share the average rank), 'macs_rank' by MACs alone,\n"
    "and 'shift' = macs_rank - rank: positive when the metric ranks a model better\n"
    "than MACs do.\n"
    "\n"
    "Options:\n"
    "  -b, --baseline NAME     baseline model (default resnet50)\n"
    "  -m, --metric M          frm (default), frm_e (needs energy_mj) or frm_q\n"
    "                          (needs accuracy_top1)\n"
    "      --frm-q RULE        error-ratio (default) or paper\n"
    "      --ops KIND          macs (default) or flops for r_flops\n"
    "  -f, --format FMT        table (default), json or csv\n"
    "      --dedupe WHICH      keep the first or last of several records for one\n"
    "                          (config_id, model); without it they are an error\n"
    "      --skip-bad          report bad records and unscorable models on stderr,\n"
    "                          then score the rest (exit 0)\n"
    "      --verbose           list every record left out for lacking MACs or\n"
    "                          memory (sources that measure none), not the first few\n"
    "      --include-predicted use records of 'frm predict' as measurements\n"
    "  -h, --help              show this help\n"
    "\n"
    "Any bad record, missing baseline or unusable value is reported with its\n"
    "file:line, configuration or model; without --skip-bad nothing is written to\n"
    "standard output and the exit status is 1.  Records that lack macs or\n"
    "memory_mb (their source measures none) are no error: they are left out and\n"
    "listed in one note, and the rest is scored.\n";

typedef struct score_args {
    frm_score_options opts;
    cli_format format;
    frm_dedupe dedupe;
    bool skip_bad, verbose, include_predicted;
} score_args;

static void on_problem(void *ctx, const frm_error *e)
{
    const score_args *a = ctx;
    if (e->code == FRM_E_ABSENT)
        return;                    /* summarised once scoring is done */
    const char *hint = e->code == FRM_E_DUPLICATE ? "; --dedupe first|last keeps one" : "";
    if (a->skip_bad)
        cli_warning("%s%s", e->message, hint);
    else
        cli_error("%s%s", e->message, hint);
}

static void print_shift(FILE *out, double shift)
{
    if (shift == 0)
        fprintf(out, "%5s", "0");
    else
        fprintf(out, "%+5g", shift);
}

static void print_table(const frm_scores *sc, const score_args *a)
{
    const char *metric = frm_metric_name(sc->metric);
    bool energy = sc->metric == FRM_METRIC_FRM_E, accuracy = sc->metric == FRM_METRIC_FRM_Q;
    for (size_t g = 0; g < sc->n_groups; g++) {
        const frm_score_group *grp = &sc->groups[g];
        const frm_config *cfg = grp->config;
        int width = 5;
        for (size_t i = 0; i < grp->count; i++) {
            int len = (int)strlen(sc->rows[grp->first + i].entry->model);
            if (len > width)
                width = len;
        }
        if (width > 24)
            width = 24;
        printf("%s%s  (%s, %s, %s; baseline %s)\n", g ? "\n" : "", cfg->config_id, cfg->device,
               frm_tier_name(cfg->tier), cfg->framework, grp->baseline->model);
        printf("%4s  %-*s %8s %8s %8s", "rank", width, "model",
               a->opts.ops == FRM_OPS_FLOPS ? "r_flops" : "r_macs", "r_lat", "r_mem");
        if (energy)
            printf(" %8s", "r_energy");
        if (accuracy)
            printf(" %8s", "accuracy");
        if (sc->metric != FRM_METRIC_FRM)
            printf(" %8s", "frm");
        printf(" %8s %9s %5s\n", metric, a->opts.ops == FRM_OPS_FLOPS ? "flop_rank" : "macs_rank",
               "shift");
        for (size_t i = 0; i < grp->count; i++) {
            const frm_score_row *r = &sc->rows[grp->first + i];
            const char *model = r->entry->model;
            /* a name cut to fit ends in '~'; JSON and CSV carry it whole */
            if ((int)strlen(model) > width)
                printf("%4g  %.*s~", r->rank, width - 1, model);
            else
                printf("%4g  %-*s", r->rank, width, model);
            printf(" %8.3g %8.3g %8.3g", r->r_flops, r->r_latency, r->r_memory);
            if (energy)
                printf(" %8.3g", r->r_energy);
            if (accuracy)
                printf(" %8.3g", r->accuracy);
            if (sc->metric != FRM_METRIC_FRM)
                printf(" %8.3g", r->frm);
            printf(" %8.3g %9g ", r->value, r->ops_rank);
            print_shift(stdout, r->ops_rank - r->rank);
            printf("\n");
        }
    }
}

static bool print_json(const frm_scores *sc)
{
    const char *metric = frm_metric_name(sc->metric);
    frmi_buf b;
    frmi_buf_init(&b);
    frmi_buf_puts(&b, "[");
    for (size_t g = 0, i = 0; g < sc->n_groups; g++)
    for (size_t k = 0; k < sc->groups[g].count; k++, i++) {
        const frm_config *cfg = sc->groups[g].config;
        const frm_score_row *r = &sc->rows[sc->groups[g].first + k];
        frmi_jsonw w;
        frmi_jsonw_init(&w, &b, false);
        frmi_buf_puts(&b, i ? ",\n  " : "\n  ");
        frmi_jsonw_object(&w);
        frmi_jsonw_key(&w, "config_id");
        frmi_jsonw_string(&w, cfg->config_id);
        frmi_jsonw_key(&w, "device");
        frmi_jsonw_string(&w, cfg->device);
        frmi_jsonw_key(&w, "tier");
        frmi_jsonw_string(&w, frm_tier_name(cfg->tier));
        frmi_jsonw_key(&w, "framework");
        frmi_jsonw_string(&w, cfg->framework);
        frmi_jsonw_key(&w, "model");
        frmi_jsonw_string(&w, r->entry->model);
        frmi_jsonw_key(&w, "r_flops");
        frmi_jsonw_number(&w, r->r_flops);
        frmi_jsonw_key(&w, "r_latency");
        frmi_jsonw_number(&w, r->r_latency);
        frmi_jsonw_key(&w, "r_memory");
        frmi_jsonw_number(&w, r->r_memory);
        if (sc->metric == FRM_METRIC_FRM_E) {
            frmi_jsonw_key(&w, "r_energy");
            frmi_jsonw_number(&w, r->r_energy);
        }
        if (sc->metric == FRM_METRIC_FRM_Q) {
            frmi_jsonw_key(&w, "accuracy");
            frmi_jsonw_number(&w, r->accuracy);
        }
        if (sc->metric != FRM_METRIC_FRM) {
            frmi_jsonw_key(&w, "frm");
            frmi_jsonw_number(&w, r->frm);
        }
        frmi_jsonw_key(&w, metric);
        frmi_jsonw_number(&w, r->value);
        frmi_jsonw_key(&w, "rank");
        frmi_jsonw_number(&w, r->rank);
        frmi_jsonw_key(&w, "macs_rank");
        frmi_jsonw_number(&w, r->ops_rank);
        frmi_jsonw_key(&w, "rank_shift");
        frmi_jsonw_number(&w, r->ops_rank - r->rank);
        frmi_jsonw_end(&w);
    }
    frmi_buf_puts(&b, sc->n_rows ? "\n]\n" : "]\n");
    bool ok = !b.failed;
    if (ok)
        fwrite(b.data, 1, b.len, stdout);
    frmi_buf_release(&b);
    return ok;
}

static void print_csv(const frm_scores *sc)
{
    const char *metric = frm_metric_name(sc->metric);
    printf("config_id,device,tier,framework,model,r_flops,r_latency,r_memory,r_energy,"
           "accuracy,frm,%s,rank,macs_rank,rank_shift\n", sc->metric == FRM_METRIC_FRM ? "value" : metric);
    for (size_t g = 0; g < sc->n_groups; g++) {
        const frm_score_group *grp = &sc->groups[g];
        for (size_t i = 0; i < grp->count; i++) {
            const frm_score_row *r = &sc->rows[grp->first + i];
            double numbers[] = {r->r_flops, r->r_latency, r->r_memory, r->r_energy,
                                r->accuracy, r->frm, r->value, r->rank, r->ops_rank,
                                r->ops_rank - r->rank};
            const char *names[] = {grp->config->config_id, grp->config->device,
                                   frm_tier_name(grp->config->tier), grp->config->framework,
                                   r->entry->model};
            for (size_t k = 0; k < 5; k++) {
                cli_csv_field(stdout, names[k]);
                fputc(',', stdout);
            }
            for (size_t k = 0; k < sizeof numbers / sizeof numbers[0]; k++) {
                char text[32];
                if (!isnan(numbers[k]))
                    fputs(frmi_format_double(text, numbers[k]), stdout);
                fputc(k + 1 < sizeof numbers / sizeof numbers[0] ? ',' : '\n', stdout);
            }
        }
    }
}

/* CLI_OK to go on, -1 when --help was printed, CLI_USAGE after a mistake. */
static int parse_args(int argc, char **argv, score_args *a)
{
    enum { OPT_FRM_Q = 256, OPT_OPS, OPT_DEDUPE, OPT_SKIP_BAD, OPT_VERBOSE, OPT_PREDICTED };
    static const struct option options[] = {
        {"baseline", required_argument, NULL, 'b'},
        {"metric", required_argument, NULL, 'm'},
        {"frm-q", required_argument, NULL, OPT_FRM_Q},
        {"ops", required_argument, NULL, OPT_OPS},
        {"format", required_argument, NULL, 'f'},
        {"dedupe", required_argument, NULL, OPT_DEDUPE},
        {"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"include-predicted", no_argument, NULL, OPT_PREDICTED},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":b:m:f:h", options, NULL)) != -1) {
        switch (c) {
        case 'b':
            if (!*optarg)
                return cli_usage_error("score", "--baseline needs a model name");
            a->opts.baseline = optarg;
            break;
        case 'm':
            if (strcmp(optarg, "frm") == 0)
                a->opts.metric = FRM_METRIC_FRM;
            else if (strcmp(optarg, "frm_e") == 0)
                a->opts.metric = FRM_METRIC_FRM_E;
            else if (strcmp(optarg, "frm_q") == 0)
                a->opts.metric = FRM_METRIC_FRM_Q;
            else
                return cli_usage_error("score", "unknown metric '%s' (use frm, frm_e or frm_q)",
                                       optarg);
            break;
        case OPT_FRM_Q:
            if (strcmp(optarg, "error-ratio") == 0)
                a->opts.q_rule = FRM_Q_ERROR_RATIO;
            else if (strcmp(optarg, "paper") == 0)
                a->opts.q_rule = FRM_Q_PAPER;
            else
                return cli_usage_error("score", "unknown FRM_Q rule '%s' (use error-ratio or paper)",
                                       optarg);
            break;
        case OPT_OPS:
            if (strcmp(optarg, "macs") == 0)
                a->opts.ops = FRM_OPS_MACS;
            else if (strcmp(optarg, "flops") == 0)
                a->opts.ops = FRM_OPS_FLOPS;
            else
                return cli_usage_error("score", "unknown --ops '%s' (use macs or flops)", optarg);
            break;
        case 'f':
            if (!cli_parse_format(optarg, CLI_FORMAT_TABLE | CLI_FORMAT_JSON | CLI_FORMAT_CSV,
                                  &a->format))
                return cli_usage_error("score", "unknown format '%s' (use table, json or csv)",
                                       optarg);
            break;
        case OPT_DEDUPE:
            if (strcmp(optarg, "first") == 0)
                a->dedupe = FRM_DEDUPE_FIRST;
            else if (strcmp(optarg, "last") == 0)
                a->dedupe = FRM_DEDUPE_LAST;
            else
                return cli_usage_error("score", "unknown --dedupe '%s' (use first or last)", optarg);
            break;
        case OPT_PREDICTED:
            a->include_predicted = true;
            break;
        case OPT_VERBOSE:
            a->verbose = true;
            break;
        case OPT_SKIP_BAD:
            a->skip_bad = true;
            break;
        case 'h':
            fputs(score_usage, stdout);
            return -1;
        default:
            return cli_bad_option("score", c, argv);
        }
    }
    if (optind >= argc)
        return cli_usage_error("score", "no input files (give '-' to read standard input)");
    return CLI_OK;
}

/* Loads every file, reporting bad records as it goes; false when any was bad. */
static bool load_all(frm_dataset *ds, int argc, char **argv, score_args *a, bool *io_failed)
{
    bool clean = true;
    *io_failed = false;
    frm_dataset_keep_predicted(ds, a->include_predicted);
    for (int i = optind; i < argc; i++) {
        frm_error err;
        frm_code rc = frm_dataset_load(ds, argv[i], on_problem, a, &err);
        if (rc == FRM_E_IO || rc == FRM_E_NOMEM) {
            cli_error("%s", err.message);
            *io_failed = true;
        } else if (rc != FRM_OK) {
            clean = false;
        }
    }
    cli_report_predicted(ds);
    return clean;
}

int cmd_score(int argc, char **argv)
{
    score_args a = {.opts = FRM_SCORE_OPTIONS_INIT, .format = CLI_FORMAT_TABLE};
    int status = parse_args(argc, argv, &a);
    if (status < 0)
        return cli_finish(CLI_OK);
    if (status != CLI_OK)
        return status;
    a.opts.diag = on_problem;
    a.opts.ctx = &a;

    frm_dataset *ds;
    frm_error err;
    if (frm_dataset_new(&ds, a.dedupe, &err) != FRM_OK) {
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    bool io_failed;
    bool clean = load_all(ds, argc, argv, &a, &io_failed);
    size_t rejected = frm_dataset_n_rejected(ds);
    frm_scores *sc = NULL;
    if (io_failed) {
        status = CLI_FAILURE;
    } else if (!clean && !a.skip_bad) {
        cli_error("%zu bad record%s; nothing scored (fix them, or use --skip-bad to score the rest)",
                  rejected, rejected == 1 ? "" : "s");
        status = CLI_FAILURE;
    } else if (frm_dataset_size(ds) == 0) {
        cli_error("no \"ok\" records to score in the input");
        status = CLI_FAILURE;
    } else {
        frm_code rc = frm_score_dataset(ds, &a.opts, &sc, &err);
        if (sc)
            cli_report_absent(sc->absent, sc->n_absent, a.verbose);
        if (rc == FRM_E_NOMEM) {
            cli_error("%s", err.message);
            status = CLI_FAILURE;
        } else if (rc != FRM_OK && !a.skip_bad) {
            cli_error("nothing scored (fix the problems above, or use --skip-bad to score the rest)");
            status = CLI_FAILURE;
        } else if (sc->n_rows == 0) {
            cli_error("no configuration could be scored");
            status = CLI_FAILURE;
        } else if (a.format == CLI_FORMAT_JSON) {
            if (!print_json(sc)) {
                cli_error("out of memory");
                status = CLI_FAILURE;
            }
        } else if (a.format == CLI_FORMAT_CSV) {
            print_csv(sc);
        } else {
            print_table(sc, &a);
        }
    }
    frm_scores_free(sc);
    frm_dataset_free(ds);
    return cli_finish(status);
}
