/*
 * cli/run.c - `frm run`: the study on this machine, end to end.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "report/report.h"

const char run_usage[] =
    "usage: frm run [options]\n"
    "\n"
    "Runs the FRM study on this machine: writes the paper's 13 models (frm zoo)\n"
    "into DIR/zoo, measures each (frm bench, a fresh worker process per model)\n"
    "under three ONNX Runtime configurations:\n"
    "\n"
    "  all-cores   every online core, all graph optimisations\n"
    "  1-thread    one intra-op thread, all graph optimisations\n"
    "  no-opt      every online core, graph optimisations disabled\n"
    "\n"
    "appends the records to DIR/results.jsonl (started afresh), and prints FRM\n"
    "per configuration (baseline resnet50) beside the MACs ranking, with the\n"
    "largest rank shifts explained.  The full run follows the paper's protocol:\n"
    "10 warm-up and 100 timed runs per model and configuration.\n"
    "\n"
    "Options:\n"
    "  -o, --out DIR           output folder (default frm-run)\n"
    "      --quick             3 warm-up and 20 timed runs: under a minute on two\n"
    "                          cores, for a first look\n"
    "  -m, --models LIST       comma-separated zoo names (default: all 13)\n"
    "      --timeout SEC       give up on a model after SEC seconds (default 600)\n"
    "  -h, --help              show this help\n"
    "\n"
    "Exit status: 0 when every measurement succeeded, 1 otherwise (the table\n"
    "then shows what could be measured).\n";

typedef struct run_config {
    const char *label;
    int threads;                 /* 0: every online core */
    frm_graph_opt opt;
} run_config;

static const run_config configs[] = {
    {"all-cores", 0, FRM_GRAPH_OPT_ALL},
    {"1-thread", 1, FRM_GRAPH_OPT_ALL},
    {"no-opt", 0, FRM_GRAPH_OPT_DISABLE},
};
#define N_CONFIGS (sizeof configs / sizeof configs[0])

/* Room for every zoo model: --models rejects repeats, so no more fit. */
#define MAX_MODELS 64

typedef struct run_args {
    const char *out;
    const char *models;
    int quick;
    double timeout_s;
    const char *names[MAX_MODELS];   /* the models chosen, registry names */
    size_t n_names;
} run_args;

/*
 * The models of --models (all when NULL), as the registry's own names, in
 * the order given.  Checked before anything is written: every name is a
 * zoo model, none is repeated (it would be measured twice), and resnet50,
 * the baseline, is among them.
 */
static int select_models(const char *list, const char **names, size_t *count)
{
    *count = 0;
    if (!list) {
        for (size_t i = 0; i < frm_zoo_count() && i < MAX_MODELS; i++)
            names[(*count)++] = frm_zoo_at(i)->name;
        return CLI_OK;
    }
    int has_baseline = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), p);
        const frm_zoo_info *info = frm_zoo_find(name);
        if (!info)
            return cli_usage_error("run", "--models: '%s' is not a zoo model (see 'frm zoo --list')", name);
        for (size_t i = 0; i < *count; i++)
            if (names[i] == info->name)
                return cli_usage_error("run", "--models: '%s' is listed twice", name);
        names[(*count)++] = info->name;
        has_baseline |= strcmp(info->name, "resnet50") == 0;
        p += len + (p[len] == ',');
    }
    if (!has_baseline)
        return cli_usage_error("run", "--models must include resnet50, the baseline FRM is computed against");
    return CLI_OK;
}

static int parse_args(int argc, char **argv, run_args *a)
{
    enum { OPT_QUICK = 256, OPT_TIMEOUT };
    static const struct option options[] = {
        {"out", required_argument, NULL, 'o'},
        {"quick", no_argument, NULL, OPT_QUICK},
        {"models", required_argument, NULL, 'm'},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:m:h", options, NULL)) != -1) {
        switch (c) {
        case 'o':
            a->out = optarg;
            break;
        case OPT_QUICK:
            a->quick = 1;
            break;
        case 'm':
            a->models = optarg;
            break;
        case OPT_TIMEOUT:
            if (cli_parse_real("run", "--timeout", optarg, 0, 1e7, &a->timeout_s) != CLI_OK)
                return CLI_USAGE;
            break;
        case 'h':
            fputs(run_usage, stdout);
            return -1;
        default:
            return cli_bad_option("run", c, argv);
        }
    }
    if (optind < argc)
        return cli_usage_error("run", "unexpected argument '%s'", argv[optind]);
    return select_models(a->models, a->names, &a->n_names);
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        cli_error("cannot create '%s': %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Writes the models; `paths` gets one owned path per model written. */
static int write_zoo(const char *const *names, size_t count, const char *zoo_dir, char ***paths,
                     size_t *n)
{
    *n = 0;
    if (!(*paths = calloc(count ? count : 1, sizeof **paths))) {
        cli_error("out of memory");
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(zoo_dir) + strlen(names[i]) + 8;
        char *path = malloc(len);
        if (!path) {
            cli_error("out of memory");
            return -1;
        }
        snprintf(path, len, "%s/%s.onnx", zoo_dir, names[i]);
        (*paths)[(*n)++] = path;
        frm_error err;
        if (frm_zoo_write(names[i], path, NULL, &err) != FRM_OK) {
            cli_error("%s", err.message);
            return -1;
        }
    }
    return 0;
}

/* --- The report ------------------------------------------------------------ */

static void collect_diag(void *ctx, const frm_error *e)
{
    (void)ctx;
    cli_warning("%s", e->message);
}

/* The score group of configuration `label`, matched through its config_id. */
static const frm_score_group *group_of(const frm_scores *sc, const char *config_id)
{
    for (size_t g = 0; g < sc->n_groups; g++)
        if (strcmp(sc->groups[g].config->config_id, config_id) == 0)
            return &sc->groups[g];
    return NULL;
}

static const frm_score_row *row_of(const frm_scores *sc, const frm_score_group *g, const char *model)
{
    for (size_t i = 0; g && i < g->count; i++)
        if (strcmp(sc->rows[g->first + i].entry->model, model) == 0)
            return &sc->rows[g->first + i];
    return NULL;
}

static const char *ordinal(char out[16], double rank)
{
    int r = (int)rank;
    const char *suffix = (r % 100 >= 11 && r % 100 <= 13) ? "th"
                         : r % 10 == 1 ? "st" : r % 10 == 2 ? "nd" : r % 10 == 3 ? "rd" : "th";
    if (rank != (double)r)
        snprintf(out, 16, "%g", rank);
    else
        snprintf(out, 16, "%d%s", r, suffix);
    return out;
}

/* A model's largest rank shift over the configurations, and where. */
typedef struct shift {
    const frm_score_row *row;   /* in the first configuration with that shift */
    double magnitude;
    char where[64];             /* the configurations sharing it */
} shift;

static void model_shift(const frm_scores *sc, const frm_score_group *const *groups, const char *model,
                        shift *out)
{
    memset(out, 0, sizeof *out);
    for (size_t c = 0; c < N_CONFIGS; c++) {
        const frm_score_row *r = row_of(sc, groups[c], model);
        if (r && fabs(r->ops_rank - r->rank) > out->magnitude) {
            out->row = r;
            out->magnitude = fabs(r->ops_rank - r->rank);
        }
    }
    size_t n = 0, len = 0;
    for (size_t c = 0; out->row && c < N_CONFIGS; c++) {
        const frm_score_row *r = row_of(sc, groups[c], model);
        if (r && r->ops_rank - r->rank == out->row->ops_rank - out->row->rank) {
            len += (size_t)snprintf(out->where + len, sizeof out->where - len, "%s%s", n ? ", " : "",
                                    configs[c].label);
            n++;
        }
    }
    if (n == N_CONFIGS)
        snprintf(out->where, sizeof out->where, "every configuration");
}

static void print_shifts(const frm_scores *sc, const frm_score_group *const *groups,
                         const frm_score_group *first)
{
    shift best[5];
    size_t n_best = 0;
    for (size_t i = 0; first && i < first->count; i++) {
        shift s;
        model_shift(sc, groups, sc->rows[first->first + i].entry->model, &s);
        if (s.magnitude < 2 || (n_best == 5 && s.magnitude <= best[4].magnitude))
            continue;
        size_t k = n_best < 5 ? n_best++ : 4;
        while (k > 0 && best[k - 1].magnitude < s.magnitude) {
            best[k] = best[k - 1];
            k--;
        }
        best[k] = s;
    }
    if (n_best == 0) {
        printf("\nNo model moves by two places or more between the MACs and FRM rankings.\n");
        return;
    }
    printf("\nLargest rank shifts, MACs ranking -> FRM ranking:\n");
    for (size_t i = 0; i < n_best; i++) {
        const frm_score_row *r = best[i].row;
        char a[16], b[16];
        double d = r->ops_rank - r->rank;
        printf("  %s: %s by MACs, %s by FRM (%g places %s; %s).\n"
               "    Latency %.2fx and memory %.2fx the baseline's, for %.2fx its MACs.\n",
               r->entry->model, ordinal(a, r->ops_rank), ordinal(b, r->rank), fabs(d),
               d > 0 ? "better" : "worse", best[i].where, r->r_latency, r->r_memory, r->r_flops);
    }
}

/*
 * The sections of `frm analyze` that one machine can answer: its three
 * configurations share a device and a tier, so there is no transfer or
 * interaction to measure here.
 */
static void print_analysis(const frm_dataset *ds)
{
    frmi_analysis_options o = {.sections = FRMI_SECTION_STABILITY | FRMI_SECTION_FRAMEWORKS |
                                           FRMI_SECTION_FLOPS | FRMI_SECTION_DISAGREEMENTS};
    frmi_analysis *an;
    frm_error err;
    if (frmi_analysis_run(ds, &o, &an, &err) != FRM_OK) {
        cli_warning("no analysis: %s", err.message);
        return;
    }
    frmi_buf out;
    frmi_buf_init(&out);
    frmi_report_analysis_text(an, &out);
    if (!out.failed)
        printf("\n%s", out.data);
    frmi_buf_release(&out);
    frmi_analysis_free(an);
    printf("\n'frm analyze %s' runs every section on any records, from many machines.\n",
           "FILE...");
}

static int report(const char *results, const char *const *config_ids)
{
    frm_dataset *ds = NULL;
    frm_scores *sc = NULL;
    frm_error err;
    if (frm_dataset_new(&ds, FRM_DEDUPE_LAST, &err) != FRM_OK) {
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    frm_code rc = frm_dataset_load(ds, results, collect_diag, NULL, &err);
    if (rc == FRM_E_IO) {
        cli_error("%s", err.message);
        frm_dataset_free(ds);
        return CLI_FAILURE;
    }
    frm_score_options so = FRM_SCORE_OPTIONS_INIT;
    so.diag = collect_diag;
    frm_score_dataset(ds, &so, &sc, &err);
    if (!sc || sc->n_groups == 0) {
        cli_error("no configuration could be scored against resnet50");
        frm_scores_free(sc);
        frm_dataset_free(ds);
        return CLI_FAILURE;
    }
    const frm_score_group *groups[N_CONFIGS];
    const frm_score_group *first = NULL;
    for (size_t c = 0; c < N_CONFIGS; c++) {
        groups[c] = group_of(sc, config_ids[c]);
        if (!first)
            first = groups[c];
    }
    printf("\nFRM on this machine (baseline resnet50; lower is better), beside the MACs ranking.\n"
           "Rows follow the FRM ranking of the first configuration; # is the rank.\n\n");
    printf("%-22s %7s %5s", "model", "GMACs", "MACs#");
    for (size_t c = 0; c < N_CONFIGS; c++)
        printf("  %9s %3s", configs[c].label, "#");
    printf("\n");
    for (size_t i = 0; first && i < first->count; i++) {
        const frm_score_row *r0 = &sc->rows[first->first + i];
        printf("%-22s %7.3f %5g", r0->entry->model, r0->entry->macs / 1e9, r0->ops_rank);
        for (size_t c = 0; c < N_CONFIGS; c++) {
            const frm_score_row *r = row_of(sc, groups[c], r0->entry->model);
            if (r)
                printf("  %9.3f %3g", r->value, r->rank);
            else
                printf("  %9s %3s", "-", "");
        }
        printf("\n");
    }
    print_shifts(sc, groups, first);
    frm_scores_free(sc);
    print_analysis(ds);
    frm_dataset_free(ds);
    return CLI_OK;
}

static void config_id_of(const run_config *rc, const char *device, const char *version, char *out,
                         size_t size)
{
    frm_config_desc d = {device, "onnxruntime", version, "cpu", frm_threads_resolved(rc->threads),
                         frm_graph_opt_name(rc->opt), "fp32", 1};
    if (frm_config_id(&d, out, size, NULL) != FRM_OK)
        out[0] = '\0';
}

int cmd_run(int argc, char **argv)
{
    run_args a;
    memset(&a, 0, sizeof a);
    a.out = "frm-run";
    a.timeout_s = 600;
    int rc = parse_args(argc, argv, &a);
    if (rc != CLI_OK)
        return rc < 0 ? cli_finish(CLI_OK) : rc;

    size_t len = strlen(a.out) + 32;
    char *zoo_dir = malloc(len), *results = malloc(len);
    char **paths = NULL;
    size_t n_paths = 0;
    int status = CLI_FAILURE;
    FILE *out = NULL;
    if (!zoo_dir || !results) {
        cli_error("out of memory");
        goto done;
    }
    snprintf(zoo_dir, len, "%s/zoo", a.out);
    snprintf(results, len, "%s/results.jsonl", a.out);
    if (make_dir(a.out) || make_dir(zoo_dir))
        goto done;
    fprintf(stderr, "frm run: writing the models into %s\n", zoo_dir);
    if (write_zoo(a.names, a.n_names, zoo_dir, &paths, &n_paths) != 0)
        goto done;
    if (!(out = fopen(results, "w"))) {
        cli_error("cannot create '%s': %s", results, strerror(errno));
        goto done;
    }

    frm_host host;
    frm_host_probe(&host);
    char device[128];
    frm_device_slug(host.cpu_model, device, sizeof device);
    frm_runtime rt;
    frm_error err;
    if (frm_runtime_probe(&rt, &err) != FRM_OK) {
        cli_error("%s", err.message);
        goto done;
    }
    char ids[N_CONFIGS][512];
    const char *id_ptrs[N_CONFIGS];
    for (size_t c = 0; c < N_CONFIGS; c++) {
        config_id_of(&configs[c], device, rt.version, ids[c], sizeof ids[c]);
        id_ptrs[c] = ids[c];
    }
    frm_runtime_release(&rt);

    int failed = 0;
    double inference_ms = 0;
    for (size_t c = 0; c < N_CONFIGS; c++) {
        cli_bench_plan plan;
        cli_bench_plan_init(&plan);
        plan.opt.threads = configs[c].threads;
        plan.opt.graph_opt = configs[c].opt;
        plan.opt.warmup = a.quick ? 3 : 10;
        plan.opt.runs = a.quick ? 20 : 100;
        plan.timeout_s = a.timeout_s;
        plan.device = device;
        plan.label = configs[c].label;
        fprintf(stderr, "frm run: configuration %zu/%zu, %s (%s)\n", c + 1, N_CONFIGS, configs[c].label, ids[c]);
        cli_bench_report rep;
        int st = cli_bench_models(&plan, paths, n_paths, out, &rep);
        cli_bench_print_summary(stderr, &rep);
        inference_ms += rep.inference_ms;
        int stop = rep.interrupted || rep.write_failed;
        failed |= st != CLI_OK;
        cli_bench_report_release(&rep);
        if (stop)
            break;
    }
    if (fclose(out) != 0) {
        out = NULL;
        cli_error("cannot write '%s': %s", results, strerror(errno));
        goto done;
    }
    out = NULL;
    fprintf(stderr, "frm run: records in %s; %.1f s inside timed inference\n", results, inference_ms / 1e3);
    status = report(results, id_ptrs);
    if (failed)
        status = CLI_FAILURE;
done:
    if (out)
        fclose(out);
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    free(zoo_dir);
    free(results);
    return cli_finish(status);
}
