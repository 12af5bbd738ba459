/*
 * cli/predict.c - `frm predict`: a few models measured on a new device,
 * the latency and rank of every other model of a dataset predicted there;
 * --evaluate says how far to trust that on the dataset itself, and
 * --suggest-anchors which models to measure.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/analysis_args.h"
#include "cli/cli.h"
#include "predict/predict.h"
#include "util/jsonw.h"

const char predict_usage[] =
    "usage: frm predict --dataset FILE... [options] TARGET...\n"
    "       frm predict --dataset FILE... --bench MODEL.onnx...\n"
    "       frm predict --evaluate --dataset FILE... [--anchors K|LIST] [--group G]\n"
    "       frm predict --suggest-anchors K --dataset FILE... [TARGET...]\n"
    "\n"
    "Predicts the per-sample latency and rank of every model of the dataset on\n"
    "a new configuration from the few models measured there (the anchors,\n"
    "the TARGET records: one config_id, e.g. a file from 'frm bench').  The\n"
    "configurations of the dataset whose anchor latencies have the target's\n"
    "shape are found and their latencies carried over, scaled to the target;\n"
    "the interval is calibrated on the dataset, each configuration predicted\n"
    "from the other devices (docs/predict.md).\n"
    "\n"
    "Options:\n"
    "      --dataset FILE      records of other configurations; repeatable\n"
    "      --bench             TARGET are ONNX models: measure them here first, as\n"
    "                          'frm bench' does with its defaults (to keep those\n"
    "                          records, run frm bench -o instead and pass the file)\n"
    "  -o, --output FILE       also write the predictions as records (source\n"
    "                          \"predict:neighbours\", config.predicted true;\n"
    "                          score, analyze and select leave them out)\n"
    "  -f, --format FMT        table (default), json, csv or markdown\n"
    "      --neighbours N      configurations averaged per model (default 5)\n"
    "      --coverage C        of the interval, 0.5 to 0.99 (default 0.9)\n"
    "      --evaluate          leave each device out in turn and predict it from\n"
    "                          the rest: frm's predictor beside MACs, a MACs fit\n"
    "                          on the anchors, the best single reference\n"
    "                          configuration and the nearest configuration\n"
    "      --anchors K|LIST    --evaluate: K anchors chosen per left-out device\n"
    "                          (default 3), or these models (comma-separated)\n"
    "      --group G           --evaluate: leave out a device (default) or a config\n"
    "      --suggest-anchors K which K models to measure on a new device; with\n"
    "                          TARGET, which K to measure next\n"
    "      --dedupe WHICH      keep the first or last of several records for one\n"
    "                          (config_id, model); without it they are an error\n"
    "      --skip-bad          warn about bad records and go on without them\n"
    "  -h, --help              show this help\n"
    "\n"
    "Examples:\n"
    "  frm bench zoo/resnet50.onnx zoo/mobilenetv2_100.onnx zoo/levit_128s.onnx -o here.jsonl\n"
    "  frm predict --dataset timm.jsonl --dataset aihub.jsonl here.jsonl\n"
    "  frm predict --evaluate --dataset aihub.jsonl --anchors resnet50,mobilenetv2_100,levit_128s\n"
    "  frm predict --suggest-anchors 3 --dataset aihub.jsonl\n";

enum {
    OPT_DATASET = CLI_OPT_FIRST_OWN,
    OPT_NEIGHBOURS,
    OPT_COVERAGE,
    OPT_EVALUATE,
    OPT_ANCHORS,
    OPT_GROUP,
    OPT_SUGGEST,
    OPT_BENCH,
};

typedef struct predict_args {
    cli_analysis_args load;    /* dedupe, skip-bad and the format, as analyze reads them */
    char **datasets;
    size_t n_datasets;
    const char *output;
    bool markdown, evaluate, bench;
    frmi_pred_options pred;
    const char *anchors;       /* --anchors LIST */
    size_t n_anchors;          /* --anchors K */
    frmi_pred_group group;
    size_t suggest;
} predict_args;

static int parse_args(int argc, char **argv, predict_args *a)
{
    static const struct option options[] = {
        {"dataset", required_argument, NULL, OPT_DATASET},
        {"output", required_argument, NULL, 'o'},
        {"format", required_argument, NULL, 'f'},
        {"neighbours", required_argument, NULL, OPT_NEIGHBOURS},
        {"coverage", required_argument, NULL, OPT_COVERAGE},
        {"evaluate", no_argument, NULL, OPT_EVALUATE},
        {"anchors", required_argument, NULL, OPT_ANCHORS},
        {"group", required_argument, NULL, OPT_GROUP},
        {"suggest-anchors", required_argument, NULL, OPT_SUGGEST},
        {"bench", no_argument, NULL, OPT_BENCH},
        {"dedupe", required_argument, NULL, CLI_OPT_DEDUPE},
        {"skip-bad", no_argument, NULL, CLI_OPT_SKIP_BAD},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 1;
    int c;
    long long n;
    double x;
    while ((c = getopt_long(argc, argv, ":o:f:h", options, NULL)) != -1) {
        int rc;
        switch (c) {
        case OPT_DATASET: {
            char **grown = realloc(a->datasets, (a->n_datasets + 1) * sizeof *grown);
            if (!grown) {
                cli_error("out of memory");
                return CLI_FAILURE;
            }
            a->datasets = grown;
            a->datasets[a->n_datasets++] = optarg;
            break;
        }
        case 'o':
            a->output = optarg;
            break;
        case 'f':
            if (strcmp(optarg, "markdown") == 0) {
                a->markdown = true;
                a->load.format = CLI_FORMAT_TABLE;
            } else if (!cli_parse_format(optarg, CLI_FORMAT_TABLE | CLI_FORMAT_JSON |
                                                     CLI_FORMAT_CSV, &a->load.format)) {
                return cli_usage_error("predict", "unknown format '%s' (table, json, csv or "
                                       "markdown)", optarg);
            }
            break;
        case OPT_NEIGHBOURS:
            if ((rc = cli_parse_int("predict", "--neighbours", optarg, 1, 64, &n)) != CLI_OK)
                return rc;
            a->pred.neighbours = (size_t)n;
            break;
        case OPT_COVERAGE:
            if ((rc = cli_parse_real("predict", "--coverage", optarg, 0.5, 0.99, &x)) != CLI_OK)
                return rc;
            a->pred.coverage = x;
            break;
        case OPT_EVALUATE:
            a->evaluate = true;
            break;
        case OPT_BENCH:
            a->bench = true;
            break;
        case OPT_ANCHORS:
            if (optarg[strspn(optarg, "0123456789")] == '\0') {
                if ((rc = cli_parse_int("predict", "--anchors", optarg, 2, 16, &n)) != CLI_OK)
                    return rc;
                a->n_anchors = (size_t)n;
                a->anchors = NULL;
            } else {
                a->anchors = optarg;
            }
            break;
        case OPT_GROUP:
            if (strcmp(optarg, "device") == 0)
                a->group = FRMI_PRED_BY_DEVICE;
            else if (strcmp(optarg, "config") == 0)
                a->group = FRMI_PRED_BY_CONFIG;
            else
                return cli_usage_error("predict", "--group '%s': device or config", optarg);
            break;
        case OPT_SUGGEST:
            if ((rc = cli_parse_int("predict", "--suggest-anchors", optarg, 1, 16, &n)) != CLI_OK)
                return rc;
            a->suggest = (size_t)n;
            break;
        case 'h':
            fputs(predict_usage, stdout);
            return -1;
        default:
            if ((rc = cli_analysis_option("predict", c, optarg, &a->load)) != CLI_NOT_MINE)
                return rc;
            return cli_bad_option("predict", c, argv);
        }
    }
    if (a->n_datasets == 0)
        return cli_usage_error("predict", "no --dataset: the records of other configurations "
                               "to predict from");
    if (a->evaluate && optind < argc)
        return cli_usage_error("predict", "--evaluate takes no TARGET: it predicts the "
                               "dataset's own configurations");
    if (a->bench && (a->evaluate || optind == argc))
        return cli_usage_error("predict", "--bench measures the TARGET models: give their .onnx "
                               "files (and no --evaluate)");
    if (!a->evaluate && !a->suggest && optind == argc)
        return cli_usage_error("predict", "no TARGET: the records of the few models measured on "
                               "the new configuration");
    if (!a->evaluate && (a->anchors || a->n_anchors || a->group))
        return cli_usage_error("predict", "--anchors and --group go with --evaluate (a "
                               "prediction's anchors are its TARGET records)");
    if ((a->evaluate || a->suggest) && a->output)
        return cli_usage_error("predict", "-o writes predictions: not with --evaluate or "
                               "--suggest-anchors");
    return CLI_OK;
}

/* The target: one configuration's records, its anchors' columns and log latencies. */
typedef struct target {
    frm_dataset *ds;
    const frm_config *config;
    size_t anchors[16];
    double log_latency[16];
    double latency[16];
    size_t n;
} target;

/*
 * --bench: the models measured here, as frm bench would, into a temporary
 * record file that is read as the target and then removed.
 */
static frm_dataset *bench_target(char **models, size_t n_models, const predict_args *a)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/frm-predict-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        cli_error("cannot create a temporary record file in '%s': %s", dir && *dir ? dir : "/tmp",
                  strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(path);
        }
        return NULL;
    }
    cli_bench_plan plan;
    cli_bench_plan_init(&plan);
    plan.label = "anchors";
    cli_bench_report rep;
    int status = cli_bench_models(&plan, models, n_models, out, &rep);
    cli_bench_print_summary(stderr, &rep);
    cli_bench_report_release(&rep);
    frm_dataset *ds = NULL;
    if (fclose(out) != 0)
        cli_error("cannot write the measured records: %s", strerror(errno));
    else if (status != CLI_OK)
        cli_error("the anchors could not all be measured (above): nothing predicted");
    else
        ds = cli_analysis_load((char *[]){path}, 1, &a->load);
    unlink(path);
    return ds;
}

static int load_target(char **files, size_t n_files, const predict_args *a,
                       const frmi_pred_matrix *m, target *t)
{
    memset(t, 0, sizeof *t);
    t->ds = a->bench ? bench_target(files, n_files, a) : cli_analysis_load(files, n_files, &a->load);
    if (!t->ds)
        return CLI_FAILURE;
    size_t nc = frm_dataset_n_configs(t->ds);
    if (nc > 1) {
        cli_error("the target's records are spread over %zu configurations ('%s', '%s'%s): give "
                  "the records of one", nc, frm_dataset_config(t->ds, 0)->config_id,
                  frm_dataset_config(t->ds, 1)->config_id, nc > 2 ? ", ..." : "");
        return CLI_FAILURE;
    }
    t->config = frm_dataset_config(t->ds, 0);
    size_t n = frm_dataset_size(t->ds), unknown = 0;
    if (n > 16) {
        cli_error("%zu models in the target: at most 16 anchors are supported", n);
        return CLI_FAILURE;
    }
    for (size_t i = 0; i < n; i++) {
        const frm_entry *e = frm_dataset_entry(t->ds, i);
        size_t j = frmi_pred_model_index(m, e->model);
        double ms = e->latency_ms / (e->batch >= 1 ? e->batch : 1);
        if (!(isfinite(ms) && ms > 0)) {
            cli_error("%s:%llu: anchor '%s': latency %g ms is not a positive number",
                      frm_dataset_file(t->ds, e->file_index), (unsigned long long)e->line,
                      e->model, e->latency_ms);
            unknown++;
            continue;
        }
        if (j == SIZE_MAX) {
            cli_error("anchor '%s' (%s:%llu) is in no configuration of the dataset: nothing to "
                      "compare it with; leave it out of the target", e->model,
                      frm_dataset_file(t->ds, e->file_index), (unsigned long long)e->line);
            unknown++;
            continue;
        }
        t->anchors[t->n] = j;
        t->latency[t->n] = ms;
        t->log_latency[t->n++] = log(ms);
    }
    return unknown ? CLI_FAILURE : CLI_OK;
}

static bool anchor_of(const target *t, size_t j, double *measured)
{
    for (size_t a = 0; a < t->n; a++)
        if (t->anchors[a] == j) {
            *measured = t->latency[a];
            return true;
        }
    return false;
}

typedef struct row {
    size_t model;
    double ms, lo, hi, frm;
    bool measured;
} row;

static int by_latency(const void *x, const void *y)
{
    const row *a = x, *b = y;
    if (a->ms != b->ms)
        return a->ms < b->ms ? -1 : 1;
    return (a->model > b->model) - (a->model < b->model);
}

/*
 * FRM on the target from the predicted (or measured) latencies, with the
 * dataset's typical MACs and memory of each model: an estimate, said so.
 */
static void estimate_frm(const frmi_pred_matrix *m, row *rows, size_t n)
{
    size_t base = frmi_pred_model_index(m, "resnet50");
    const row *b = NULL;
    for (size_t i = 0; i < n && base != SIZE_MAX; i++)
        if (rows[i].model == base)
            b = &rows[i];
    for (size_t i = 0; i < n; i++) {
        size_t j = rows[i].model;
        rows[i].frm = b ? cbrt(m->macs[j] / m->macs[base] * rows[i].ms / b->ms *
                               m->memory_mb[j] / m->memory_mb[base])
                        : NAN;
    }
}

static void put_ms(frmi_buf *out, double ms)
{
    frmi_buf_printf(out, ms >= 100 ? "%10.1f" : ms >= 1 ? "%10.2f" : "%10.3f", ms);
}

static void write_prediction_table(frmi_buf *out, const frmi_pred_matrix *m, const target *t,
                                   const frmi_pred_result *r, const row *rows, size_t n,
                                   double coverage, bool markdown)
{
    frmi_buf_printf(out, "%sPredicted for %s (%s, %s) from %zu anchors:", markdown ? "## " : "",
                    t->config->config_id, t->config->device, frm_tier_name(t->config->tier), t->n);
    for (size_t a = 0; a < t->n; a++)
        frmi_buf_printf(out, "%s %s %.3g ms", a ? "," : "", m->models[t->anchors[a]],
                        t->latency[a]);
    frmi_buf_printf(out, "\n%s%.0f%% intervals: wider the farther the configurations a "
                    "prediction leans on; calibrated on %zu predictions of the dataset's own "
                    "configurations from other devices (%.1f%% inside; median error %.1f%%)\n",
                    markdown ? "\n" : "", coverage * 100, r->calibration.n_residuals,
                    r->calibration.achieved * 100, (exp(r->calibration.median_error) - 1) * 100);
    size_t shown = r->n_neighbours < 5 ? r->n_neighbours : 5;
    frmi_buf_printf(out, "%sLeaned on %zu configuration%s, the %zu nearest for each model%s\n",
                    markdown ? "\n" : "", r->n_neighbours, r->n_neighbours == 1 ? "" : "s",
                    r->calibration.neighbours, shown < r->n_neighbours ? "; most:" : ":");
    for (size_t i = 0; i < shown; i++) {
        const frmi_pred_neighbour *nb = &r->neighbours[i];
        frmi_buf_printf(out, "%s  %-60s weight %.2f  shape distance %.3f  target/it x%.3g\n",
                        markdown ? "-" : "", m->configs[nb->config]->config_id, nb->weight,
                        nb->distance, exp(nb->log_scale));
    }
    frmi_buf_puts(out, "\n");
    int width = 5;
    for (size_t i = 0; i < n; i++) {
        int len = (int)strlen(m->models[rows[i].model]);
        width = len > width ? (len < 60 ? len : 60) : width;
    }
    if (markdown)
        frmi_buf_printf(out, "| rank | model | latency ms | %.0f%% interval | FRM (est.) | |\n"
                        "|---:|---|---:|---|---:|---|\n", coverage * 100);
    else
        frmi_buf_printf(out, "  rank  %-*s  latency ms   %.0f%% interval ms       FRM*\n",
                        width, "model", coverage * 100);
    for (size_t i = 0; i < n; i++) {
        const row *w = &rows[i];
        if (markdown) {
            frmi_buf_printf(out, "| %zu | %s | %.4g | ", i + 1, m->models[w->model], w->ms);
            if (w->measured)
                frmi_buf_puts(out, " | ");
            else
                frmi_buf_printf(out, "%.4g - %.4g | ", w->lo, w->hi);
            if (isnan(w->frm))
                frmi_buf_puts(out, " | ");
            else
                frmi_buf_printf(out, "%.3f | ", w->frm);
            frmi_buf_printf(out, "%s |\n", w->measured ? "measured" : "");
            continue;
        }
        frmi_buf_printf(out, "  %4zu  %-*s", i + 1, width, m->models[w->model]);
        put_ms(out, w->ms);
        if (w->measured)
            frmi_buf_printf(out, "   %-20s", "measured");
        else
            frmi_buf_printf(out, "   %8.3g - %-9.3g", w->lo, w->hi);
        if (isnan(w->frm))
            frmi_buf_puts(out, "          -\n");
        else
            frmi_buf_printf(out, " %10.3f\n", w->frm);
    }
    frmi_buf_printf(out, "\n%sFRM*: estimated, from these latencies, the dataset's median MACs "
                    "and memory of each model, baseline resnet50; '-' where one is unknown.\n",
                    markdown ? "" : "  ");
}

static void write_prediction_json(frmi_buf *out, const frmi_pred_matrix *m, const target *t,
                                  const frmi_pred_result *r, const row *rows, size_t n,
                                  double coverage)
{
    frmi_jsonw w;
    frmi_jsonw_init(&w, out, true);
    frmi_jsonw_object(&w);
    frmi_jsonw_key(&w, "target");
    frmi_jsonw_object(&w);
    frmi_jsonw_key(&w, "config_id");
    frmi_jsonw_string(&w, t->config->config_id);
    frmi_jsonw_key(&w, "device");
    frmi_jsonw_string(&w, t->config->device);
    frmi_jsonw_key(&w, "tier");
    frmi_jsonw_string(&w, frm_tier_name(t->config->tier));
    frmi_jsonw_end(&w);
    frmi_jsonw_key(&w, "method");
    frmi_jsonw_string(&w, "neighbours");
    frmi_jsonw_key(&w, "neighbours_per_model");
    frmi_jsonw_number(&w, (double)r->calibration.neighbours);
    frmi_jsonw_key(&w, "interval");
    frmi_jsonw_object(&w);
    frmi_jsonw_key(&w, "coverage");
    frmi_jsonw_number(&w, coverage);
    frmi_jsonw_key(&w, "scale");
    frmi_jsonw_number(&w, r->calibration.scale);
    frmi_jsonw_key(&w, "calibration_predictions");
    frmi_jsonw_number(&w, (double)r->calibration.n_residuals);
    frmi_jsonw_key(&w, "calibration_inside");
    frmi_jsonw_number(&w, r->calibration.achieved);
    frmi_jsonw_key(&w, "calibration_median_error");
    frmi_jsonw_number(&w, exp(r->calibration.median_error) - 1);
    frmi_jsonw_end(&w);
    frmi_jsonw_key(&w, "neighbours");
    frmi_jsonw_array(&w);
    for (size_t i = 0; i < r->n_neighbours; i++) {
        const frmi_pred_neighbour *nb = &r->neighbours[i];
        frmi_jsonw_object(&w);
        frmi_jsonw_key(&w, "config_id");
        frmi_jsonw_string(&w, m->configs[nb->config]->config_id);
        frmi_jsonw_key(&w, "weight");
        frmi_jsonw_number(&w, nb->weight);
        frmi_jsonw_key(&w, "shape_distance");
        frmi_jsonw_number(&w, nb->distance);
        frmi_jsonw_key(&w, "scale");
        frmi_jsonw_number(&w, exp(nb->log_scale));
        frmi_jsonw_key(&w, "models");
        frmi_jsonw_number(&w, (double)nb->n_models);
        frmi_jsonw_end(&w);
    }
    frmi_jsonw_end(&w);
    frmi_jsonw_key(&w, "models");
    frmi_jsonw_array(&w);
    for (size_t i = 0; i < n; i++) {
        frmi_jsonw_object(&w);
        frmi_jsonw_key(&w, "model");
        frmi_jsonw_string(&w, m->models[rows[i].model]);
        frmi_jsonw_key(&w, "rank");
        frmi_jsonw_number(&w, (double)(i + 1));
        frmi_jsonw_key(&w, "latency_ms");
        frmi_jsonw_number(&w, rows[i].ms);
        frmi_jsonw_key(&w, "measured");
        frmi_jsonw_bool(&w, rows[i].measured);
        frmi_jsonw_key(&w, "interval_ms");
        if (rows[i].measured) {
            frmi_jsonw_null(&w);
        } else {
            frmi_jsonw_array(&w);
            frmi_jsonw_number(&w, rows[i].lo);
            frmi_jsonw_number(&w, rows[i].hi);
            frmi_jsonw_end(&w);
        }
        frmi_jsonw_key(&w, "macs");
        frmi_jsonw_number(&w, m->macs[rows[i].model]);
        frmi_jsonw_key(&w, "frm_estimated");
        frmi_jsonw_number(&w, rows[i].frm);
        frmi_jsonw_end(&w);
    }
    frmi_jsonw_end(&w);
    frmi_jsonw_end(&w);
    frmi_buf_puts(out, "\n");
}

static void csv_number(frmi_buf *out, double v)
{
    char s[32];
    if (!isnan(v))
        frmi_buf_puts(out, frmi_format_double(s, v));
}

static void write_prediction_csv(frmi_buf *out, const frmi_pred_matrix *m, const row *rows,
                                 size_t n)
{
    frmi_buf_puts(out, "rank,model,latency_ms,interval_lo_ms,interval_hi_ms,measured,macs,"
                       "frm_estimated\n");
    for (size_t i = 0; i < n; i++) {
        const row *w = &rows[i];
        frmi_buf_printf(out, "%zu,", i + 1);
        /* model names are the dataset's: quote them as CSV needs */
        const char *name = m->models[w->model];
        if (strpbrk(name, ",\"\n\r")) {
            frmi_buf_puts(out, "\"");
            for (const char *p = name; *p; p++)
                frmi_buf_add(out, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
            frmi_buf_puts(out, "\"");
        } else {
            frmi_buf_puts(out, name);
        }
        frmi_buf_puts(out, ",");
        csv_number(out, w->ms);
        frmi_buf_puts(out, ",");
        csv_number(out, w->measured ? NAN : w->lo);
        frmi_buf_puts(out, ",");
        csv_number(out, w->measured ? NAN : w->hi);
        frmi_buf_printf(out, ",%s,", w->measured ? "true" : "false");
        csv_number(out, m->macs[w->model]);
        frmi_buf_puts(out, ",");
        csv_number(out, w->frm);
        frmi_buf_puts(out, "\n");
    }
}

/* What write_records writes. */
typedef struct predictions {
    const frmi_pred_matrix *m;
    const target *t;
    const row *rows;
    size_t n;
    double coverage;
} predictions;

/* The predictions as records, marked as such; anchors are left out (they are measured). */
static frm_code write_records(FILE *out, void *ctx, frm_error *err)
{
    const predictions *p = ctx;
    frmi_buf anchors, config, config_id;
    frmi_buf_init(&anchors);
    for (size_t a = 0; a < p->t->n; a++)
        frmi_buf_printf(&anchors, "%s%s", a ? "," : "", p->m->models[p->t->anchors[a]]);
    frmi_buf_init(&config_id);
    frmi_buf_printf(&config_id, "%s/predicted", p->t->config->config_id);
    frm_code rc = anchors.failed || config_id.failed ? frmi_nomem(err) : FRM_OK;
    for (size_t i = 0; rc == FRM_OK && i < p->n; i++) {
        const row *w = &p->rows[i];
        if (w->measured)
            continue;
        frmi_buf_init(&config);
        frmi_jsonw j;
        frmi_jsonw_init(&j, &config, false);
        frmi_jsonw_object(&j);
        frmi_jsonw_key(&j, "anchors");
        frmi_jsonw_string(&j, anchors.data);
        frmi_jsonw_key(&j, "interval_coverage");
        frmi_jsonw_number(&j, p->coverage);
        frmi_jsonw_key(&j, "interval_ms");
        frmi_jsonw_array(&j);
        frmi_jsonw_number(&j, w->lo);
        frmi_jsonw_number(&j, w->hi);
        frmi_jsonw_end(&j);
        frmi_jsonw_key(&j, "predicted");
        frmi_jsonw_bool(&j, true);
        frmi_jsonw_key(&j, "predicted_from");
        frmi_jsonw_string(&j, p->t->config->config_id);
        frmi_jsonw_end(&j);
        frm_record rec;
        frm_record_init(&rec);
        rec.model = p->m->models[w->model];
        rec.device = p->t->config->device;
        rec.tier = p->t->config->tier;
        rec.framework = p->t->config->framework;
        rec.config_id = config_id.data;
        rec.config_json = config.data;
        rec.latency_ms.median = w->ms;
        rec.source = "predict:neighbours";
        rec.frm_version = FRM_VERSION;
        rc = config.failed ? frmi_nomem(err) : frm_record_append(out, &rec, err);
        frmi_buf_release(&config);
    }
    frmi_buf_release(&anchors);
    frmi_buf_release(&config_id);
    return rc;
}

static int run_prediction(const predict_args *a, const frmi_pred_matrix *m, const target *t)
{
    bool *usable = malloc((m->n_configs ? m->n_configs : 1) * sizeof *usable);
    row *rows = malloc((m->n_models ? m->n_models : 1) * sizeof *rows);
    if (!usable || !rows) {
        free(usable);
        free(rows);
        cli_error("out of memory");
        return CLI_FAILURE;
    }
    /* the target's own records in the dataset would predict it from itself */
    size_t same = 0;
    for (size_t c = 0; c < m->n_configs; c++) {
        usable[c] = strcmp(m->configs[c]->config_id, t->config->config_id) != 0;
        same += !usable[c];
    }
    if (same)
        fprintf(stderr, "frm: note: the dataset's records of '%s' (the target) are not used\n",
                t->config->config_id);
    frmi_pred_result r;
    frm_error err;
    frmi_pred_target pt = {t->anchors, t->log_latency, t->n};
    if (frmi_pred_run(m, usable, &pt, &a->pred, &r, &err) != FRM_OK) {
        free(usable);
        free(rows);
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    size_t n = 0;
    for (size_t j = 0; j < m->n_models; j++) {
        double measured;
        if (anchor_of(t, j, &measured))
            rows[n++] = (row){j, measured, NAN, NAN, NAN, true};
        else if (!isnan(r.log_latency[j]))
            rows[n++] = (row){j, exp(r.log_latency[j]), exp(r.log_lo[j]), exp(r.log_hi[j]), NAN,
                              false};
    }
    qsort(rows, n, sizeof *rows, by_latency);
    estimate_frm(m, rows, n);
    double coverage = a->pred.coverage > 0 ? a->pred.coverage : 0.9;
    frmi_buf out;
    frmi_buf_init(&out);
    if (a->load.format == CLI_FORMAT_JSON)
        write_prediction_json(&out, m, t, &r, rows, n, coverage);
    else if (a->load.format == CLI_FORMAT_CSV)
        write_prediction_csv(&out, m, rows, n);
    else
        write_prediction_table(&out, m, t, &r, rows, n, coverage, a->markdown);
    int status = cli_write_report(&out);
    frmi_buf_release(&out);
    predictions p = {m, t, rows, n, coverage};
    if (status == CLI_OK && a->output)
        status = cli_write_file(a->output, write_records, &p);
    frmi_pred_result_release(&r);
    free(usable);
    free(rows);
    return status;
}

static void scores_line(frmi_buf *out, const char *name, const frmi_pred_scores *s, bool markdown)
{
    const char *sep = markdown ? " | " : "  ";
    if (markdown)
        frmi_buf_puts(out, "| ");
    frmi_buf_printf(out, "%-10s%s%7zu%s", name, sep, s->n_targets, sep);
    const double v[] = {s->mean_rho, s->min_rho, s->ordering, s->median_ape * 100,
                        s->p90_ape * 100, s->top1 * 100, s->top3 * 100, s->coverage * 100};
    static const int width[] = {8, 8, 8, 9, 8, 6, 6, 8}, digits[] = {3, 3, 3, 1, 1, 0, 0, 1};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        bool percent = i >= 3;
        if (isnan(v[i]))
            frmi_buf_printf(out, "%*s", width[i] + percent, "-");
        else
            frmi_buf_printf(out, "%*.*f%s", width[i], digits[i], v[i], percent ? "%" : "");
        frmi_buf_puts(out, i + 1 < sizeof v / sizeof v[0] ? sep : "");
    }
    frmi_buf_puts(out, markdown ? " |\n" : "\n");
}

static void scores_header(frmi_buf *out, bool markdown)
{
    if (markdown)
        frmi_buf_puts(out, "| method | targets | mean rho | min rho | ordering | median APE | "
                           "p90 APE | top-1 | top-3 | coverage |\n"
                           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    else
        frmi_buf_puts(out, "  method        targets  mean rho   min rho  ordering  median APE"
                           "    p90 APE   top-1   top-3   coverage\n");
}

static void scores_json(frmi_jsonw *w, const frmi_pred_scores *s)
{
    frmi_jsonw_object(w);
    const struct {
        const char *key;
        double v;
    } f[] = {{"targets", (double)s->n_targets}, {"mean_rho", s->mean_rho},
             {"min_rho", s->min_rho}, {"ordering_accuracy", s->ordering},
             {"median_ape", s->median_ape}, {"p90_ape", s->p90_ape}, {"top1", s->top1},
             {"top3", s->top3}, {"interval_coverage", s->coverage},
             {"predictions", (double)s->n_predictions}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        frmi_jsonw_key(w, f[i].key);
        frmi_jsonw_number(w, f[i].v);
    }
    frmi_jsonw_end(w);
}

/* The anchors of --anchors LIST as columns; a name the dataset lacks is a usage error. */
static int anchor_columns(const char *list, const frmi_pred_matrix *m, size_t *cols, size_t *n)
{
    *n = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char name[512];
        snprintf(name, sizeof name, "%.*s", (int)len, p);
        size_t j = frmi_pred_model_index(m, name);
        if (len == 0 || j == SIZE_MAX)
            return cli_usage_error("predict", "--anchors: '%s' is no model of the dataset", name);
        if (*n == 16)
            return cli_usage_error("predict", "--anchors: at most 16 models");
        cols[(*n)++] = j;
        p += len + (p[len] == ',');
    }
    if (*n < 2)
        return cli_usage_error("predict", "--anchors: at least 2 models");
    return CLI_OK;
}

static int run_evaluation(const predict_args *a, const frmi_pred_matrix *m)
{
    size_t cols[16], n_cols = 0;
    if (a->anchors) {
        int rc = anchor_columns(a->anchors, m, cols, &n_cols);
        if (rc != CLI_OK)
            return rc;
    }
    frmi_pred_eval_options o = {a->pred, a->group, a->anchors ? cols : NULL,
                                a->anchors ? n_cols : a->n_anchors ? a->n_anchors : 3, 0};
    frmi_pred_evaluation ev;
    frm_error err;
    if (frmi_pred_evaluate(m, &o, &ev, &err) != FRM_OK) {
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    frmi_buf out;
    frmi_buf_init(&out);
    const char *ref = ev.reference != SIZE_MAX ? m->configs[ev.reference]->config_id : NULL;
    if (a->load.format == CLI_FORMAT_JSON) {
        frmi_jsonw w;
        frmi_jsonw_init(&w, &out, true);
        frmi_jsonw_object(&w);
        frmi_jsonw_key(&w, "left_out");
        frmi_jsonw_string(&w, a->group == FRMI_PRED_BY_DEVICE ? "device" : "config");
        frmi_jsonw_key(&w, "anchors");
        if (a->anchors) {
            frmi_jsonw_array(&w);
            for (size_t i = 0; i < n_cols; i++)
                frmi_jsonw_string(&w, m->models[cols[i]]);
            frmi_jsonw_end(&w);
        } else {
            frmi_jsonw_number(&w, (double)o.n_anchors);
        }
        frmi_jsonw_key(&w, "folds");
        frmi_jsonw_number(&w, (double)ev.n_folds);
        frmi_jsonw_key(&w, "skipped_targets");
        frmi_jsonw_number(&w, (double)ev.n_skipped_targets);
        frmi_jsonw_key(&w, "reference");
        frmi_jsonw_string(&w, ref);
        frmi_jsonw_key(&w, "methods");
        frmi_jsonw_object(&w);
        for (int k = 0; k < FRMI_PRED_N_METHODS; k++) {
            frmi_jsonw_key(&w, frmi_pred_method_name((frmi_pred_method)k));
            scores_json(&w, &ev.all[k]);
        }
        frmi_jsonw_end(&w);
        frmi_jsonw_key(&w, "by_tier");
        frmi_jsonw_object(&w);
        for (int t = 1; t < 4; t++) {
            if (ev.tier[t][FRMI_PRED_FRM].n_targets == 0)
                continue;
            frmi_jsonw_key(&w, frm_tier_name((frm_tier)t));
            frmi_jsonw_object(&w);
            for (int k = 0; k < FRMI_PRED_N_METHODS; k++) {
                frmi_jsonw_key(&w, frmi_pred_method_name((frmi_pred_method)k));
                scores_json(&w, &ev.tier[t][k]);
            }
            frmi_jsonw_end(&w);
        }
        frmi_jsonw_end(&w);
        frmi_jsonw_end(&w);
        frmi_buf_puts(&out, "\n");
    } else {
        bool md = a->markdown;
        frmi_buf_printf(&out, "%sPrediction, each %s left out in turn and predicted from the "
                        "rest (%zu folds, %zu targets",
                        md ? "## " : "", a->group == FRMI_PRED_BY_DEVICE ? "device" : "configuration",
                        ev.n_folds, ev.all[FRMI_PRED_FRM].n_targets);
        if (ev.n_skipped_targets)
            frmi_buf_printf(&out, "; %zu configurations without every anchor or %d other models "
                            "not scored", ev.n_skipped_targets, 5);
        frmi_buf_puts(&out, ")\n");
        if (a->anchors) {
            frmi_buf_puts(&out, md ? "\nAnchors:" : "  anchors:");
            for (size_t i = 0; i < n_cols; i++)
                frmi_buf_printf(&out, "%s %s", i ? "," : "", m->models[cols[i]]);
            frmi_buf_puts(&out, "\n");
        } else {
            frmi_buf_printf(&out, "%s%zu anchors chosen within each fold (--suggest-anchors on "
                            "the other devices)\n", md ? "\n" : "  ", o.n_anchors);
        }
        frmi_buf_puts(&out, "\n");
        scores_header(&out, md);
        for (int k = 0; k < FRMI_PRED_N_METHODS; k++)
            scores_line(&out, frmi_pred_method_name((frmi_pred_method)k), &ev.all[k], md);
        for (int t = 1; t < 4; t++) {
            if (ev.tier[t][FRMI_PRED_FRM].n_targets == 0)
                continue;
            frmi_buf_printf(&out, "\n%s%s targets\n\n", md ? "### " : "", frm_tier_name((frm_tier)t));
            scores_header(&out, md);
            for (int k = 0; k < FRMI_PRED_N_METHODS; k++)
                scores_line(&out, frmi_pred_method_name((frmi_pred_method)k), &ev.tier[t][k], md);
        }
        frmi_buf_printf(&out, "\n%srho, ordering, top-1/3: predicted vs measured ranking of the "
                        "models that are not anchors; APE: |predicted / measured - 1| over every "
                        "prediction; coverage: measured values inside the %.0f%% interval.\n",
                        md ? "" : "  ", (a->pred.coverage > 0 ? a->pred.coverage : 0.9) * 100);
        frmi_buf_printf(&out, "%smacs ranks by MACs alone; macs-fit fits latency on MACs through "
                        "the anchors; reference is the paper's transfer from one configuration "
                        "for all targets, the best one in hindsight: %s; nearest copies the "
                        "single nearest configuration.\n", md ? "" : "  ", ref ? ref : "none");
    }
    int status = cli_write_report(&out);
    frmi_buf_release(&out);
    return status;
}

static int run_suggestion(const predict_args *a, const frmi_pred_matrix *m, const target *t)
{
    size_t anchors[32], fixed = t ? t->n : 0, k = fixed + a->suggest;
    double gain[32];
    if (k > 16) {
        cli_error("%zu anchors in all: at most 16 are supported", k);
        return CLI_FAILURE;
    }
    bool *usable = NULL;
    if (t) {
        memcpy(anchors, t->anchors, fixed * sizeof *anchors);
        if (!(usable = malloc((m->n_configs ? m->n_configs : 1) * sizeof *usable))) {
            cli_error("out of memory");
            return CLI_FAILURE;
        }
        for (size_t c = 0; c < m->n_configs; c++)
            usable[c] = strcmp(m->configs[c]->config_id, t->config->config_id) != 0;
    }
    frm_error err;
    frm_code rc = frmi_pred_suggest(m, usable, anchors, fixed, k, gain, &err);
    free(usable);
    if (rc != FRM_OK) {
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    frmi_buf out;
    frmi_buf_init(&out);
    if (a->load.format == CLI_FORMAT_JSON) {
        frmi_jsonw w;
        frmi_jsonw_init(&w, &out, true);
        frmi_jsonw_array(&w);
        for (size_t i = fixed; i < k; i++) {
            frmi_jsonw_object(&w);
            frmi_jsonw_key(&w, "model");
            frmi_jsonw_string(&w, m->models[anchors[i]]);
            frmi_jsonw_key(&w, "mean_rho");
            frmi_jsonw_number(&w, gain[i]);
            frmi_jsonw_end(&w);
        }
        frmi_jsonw_end(&w);
        frmi_buf_puts(&out, "\n");
    } else {
        frmi_buf_printf(&out, "%s to measure%s:\n", fixed ? "Next models" : "Anchors",
                        fixed ? " beside the target's" : "");
        for (size_t i = fixed; i < k; i++) {
            frmi_buf_printf(&out, "  %zu. %-32s", i + 1, m->models[anchors[i]]);
            if (isnan(gain[i]))
                frmi_buf_puts(&out, "  the most widely measured\n");
            else
                frmi_buf_printf(&out, "  mean rho %.3f on configurations predicted from the "
                                "other devices\n", gain[i]);
        }
    }
    int status = cli_write_report(&out);
    frmi_buf_release(&out);
    return status;
}

int cmd_predict(int argc, char **argv)
{
    predict_args a;
    memset(&a, 0, sizeof a);
    cli_analysis_args_init(&a.load);
    int status = parse_args(argc, argv, &a);
    frm_dataset *ds = NULL;
    frmi_pred_matrix m;
    memset(&m, 0, sizeof m);
    target t;
    memset(&t, 0, sizeof t);
    frm_error err;
    if (status != CLI_OK)
        goto done;
    status = CLI_FAILURE;
    if (!(ds = cli_analysis_load(a.datasets, a.n_datasets, &a.load)))
        goto done;
    if (frmi_pred_matrix_build(ds, &m, &err) != FRM_OK) {
        cli_error("%s", err.message);
        goto done;
    }
    if (m.n_no_latency)
        cli_warning("%zu record%s without a positive latency left out (the first: %s:%llu, "
                    "model '%s')", m.n_no_latency, m.n_no_latency == 1 ? "" : "s",
                    frm_dataset_file(ds, m.no_latency->file_index),
                    (unsigned long long)m.no_latency->line, m.no_latency->model);
    if (m.n_configs < 2) {
        cli_error("the dataset has %zu configuration%s: predicting needs others to learn from",
                  m.n_configs, m.n_configs == 1 ? "" : "s");
        goto done;
    }
    bool has_target = optind < argc;
    if (has_target && (status = load_target(argv + optind, (size_t)(argc - optind), &a, &m, &t)) !=
                          CLI_OK)
        goto done;
    if (a.evaluate)
        status = run_evaluation(&a, &m);
    else if (a.suggest)
        status = run_suggestion(&a, &m, has_target ? &t : NULL);
    else
        status = run_prediction(&a, &m, &t);
done:
    frm_dataset_free(t.ds);
    frmi_pred_matrix_release(&m);
    frm_dataset_free(ds);
    free(a.datasets);
    cli_analysis_args_release(&a.load);
    return cli_finish(status < 0 ? CLI_OK : status);
}
