/*
 * cli/import.c - `frm import`: records from what other tools wrote.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "import/import.h"
#include "util/output.h"

const char import_usage[] =
    "usage: frm import FORMAT [options] FILE...\n"
    "       frm import aihub [options] PATH...\n"
    "\n"
    "Turns results that other tools produced into frm records (JSON Lines,\n"
    "schema frm.record/1), so devices frm never ran on join the analysis.\n"
    "Every record says where it came from: \"source\": \"import:FORMAT:FILE\".\n"
    "'-' reads standard input.  docs/import.md has every rule.\n"
    "\n"
    "Formats (docs/import.md says what each field means for each):\n"
    "  timm      timm's benchmark-infer-*.csv; memory ESTIMATED from counts\n"
    "  tflite    a log of TensorFlow Lite's benchmark_model (one run a file)\n"
    "  ort-perf  the summary of onnxruntime_perf_test (one run a file)\n"
    "  csv       any table (--map FIELD=COLUMN)\n"
    "  aihub     Qualcomm AI Hub Models: a checkout, a folder in one, or\n"
    "            perf.yaml files; tier edge; memory = peak range's upper bound\n"
    "  ncnn      ncnn's benchmark/README.md; latency only (no memory, no MACs)\n"
    "\n"    "Options:\n"
    "  -o, --output FILE       write the records to FILE, replaced atomically\n"
    "                          (default: standard output)\n"
    "      --device NAME       the device (overrides the file)\n"
    "      --tier T            gpu, cpu or edge (overrides the file)\n"
    "      --framework F       e.g. pytorch, tflite, onnxruntime\n"
    "      --framework-version V\n"
    "      --precision P       fp32, fp16, amp, int8 ...\n"
    "      --provider EP       ort-perf: the execution provider (cpu, cuda ...)\n"
    "      --threads N         logs: the thread count used\n"
    "      --batch N           samples per call (latency is divided by it)\n"
    "      --model NAME        logs: the model measured\n"
    "      --config-id ID      one config_id for every record\n"
    "      --macs N|FILE       MACs the zoo does not know: a number (a log's one\n"
    "                          model), or 'frm profile --format json' output or a\n"
    "                          CSV (model, macs[, params, resolution])\n"
    "      --resolution MODEL=R  aihub: the input size MODEL was measured at, where\n"
    "                          info.yaml is wrong; repeatable\n"
    "      --keep-mirrored     aihub: keep devices whose entries repeat another\n"
    "                          device's job (default: skipped, counted)\n"
    "      --params N          logs: its parameter count\n"
    "      --memory-mb X       peak memory for inputs that measure none\n"
    "      --accuracy FILE     timm's results-imagenet.csv: top-1 per (model, size)\n"
    "      --aliases FILE      more names: 'SPELLING CANONICAL' per line\n"
    "      --size-policy P     timm, a model at several sizes: suffix (default:\n"
    "                          others than the default are NAME@SIZE), default,\n"
    "                          max or all (see docs/import.md)\n"
    "      --map FIELD=COLUMN  csv: read FIELD from COLUMN; repeatable (fields in\n"
    "                          docs/import.md)\n"
    "      --latency-unit U    csv: us, ms (default) or s\n"
    "      --memory-unit U     csv: B, KB, MB (default), GB, KiB, MiB or GiB\n"
    "      --delimiter C       csv: the field separator (default ',')\n"
    "      --skip-bad          report bad rows on stderr and import the rest\n"
    "  -v, --verbose           list every entry left out by rule (mirrored\n"
    "                          devices, skipped jobs), not only their counts\n"
    "  -q, --quiet             no notices (estimates made, values assumed)\n"
    "  -h, --help              show this help\n"
    "\n"
    "A bad row is reported as FILE:LINE:COLUMN (or a YAML path); without\n"
    "--skip-bad nothing is written and the exit status is 1.  Entries that are\n"
    "not measurements (a Skipped job, a mirrored device, a language model's\n"
    "token rates) are left out by rule and counted by reason on stderr.\n"
    "\n"
    "Examples:\n"
    "  frm import timm benchmark-infer-*.csv --accuracy results-imagenet.csv | frm analyze -\n"
    "  frm import tflite --device pixel6 --tier edge -o pixel6.jsonl logs/*.txt\n"
    "  frm import ort-perf --device jetson-orin --provider cuda --model resnet50 perf.txt\n"
    "  frm import aihub ai-hub-models -o aihub.jsonl\n"
    "  frm import ncnn ncnn/benchmark/README.md -o ncnn.jsonl\n"
    "  frm import csv --map latency=p50_us --latency-unit us --map memory=peak_mb \\\n"
    "      --device rpi5 --tier edge --framework ncnn results.csv\n";

enum {
    OPT_DEVICE = 256, OPT_TIER, OPT_FRAMEWORK, OPT_FRAMEWORK_VERSION, OPT_PRECISION, OPT_PROVIDER,
    OPT_THREADS, OPT_BATCH, OPT_MODEL, OPT_CONFIG_ID, OPT_MACS, OPT_PARAMS, OPT_MEMORY_MB,
    OPT_ACCURACY, OPT_ALIASES, OPT_SIZE_POLICY, OPT_MAP, OPT_LATENCY_UNIT, OPT_MEMORY_UNIT,
    OPT_DELIMITER, OPT_SKIP_BAD, OPT_RESOLUTION, OPT_KEEP_MIRRORED
};

typedef struct import_args {
    frmi_import_options opts;
    frmi_import_format format;
    const char *output;
    const char *accuracy, *aliases;
    const char *macs_file;         /* --macs with a value that is not a number */
    frmi_resolution *resolutions;  /* --resolution, in order; the caller frees */
    size_t n_resolutions;
    bool quiet, verbose;
    size_t n_errors;               /* rows reported */
    size_t n_unlisted;             /* entries left out by rule, not listed (no -v) */
} import_args;

static bool unit_scale(const char *arg, const char *const *names, const double *scales, size_t n,
                       double *out)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arg, names[i]) == 0) {
            *out = scales[i];
            return true;
        }
    return false;
}

static int parse_map(const char *arg, import_args *a)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return cli_usage_error("import", "--map '%s': expected FIELD=COLUMN", arg);
    char field[64];
    snprintf(field, sizeof field, "%.*s", (int)(eq - arg), arg);
    frmi_field f = frmi_field_parse(field);
    if (f == FRMI_FIELD_N)
        return cli_usage_error("import", "--map: unknown field '%s' (see 'frm help import')",
                               field);
    a->opts.map[f] = eq + 1;
    return CLI_OK;
}

static int parse_resolution(const char *arg, import_args *a)
{
    const char *eq = strrchr(arg, '=');
    if (!eq || eq == arg || !eq[1])
        return cli_usage_error("import", "--resolution '%s': expected MODEL=R", arg);
    long long r;
    int rc = cli_parse_int("import", "--resolution", eq + 1, 1, 100000, &r);
    if (rc != CLI_OK)
        return rc;
    char *model = strndup(arg, (size_t)(eq - arg));
    frmi_resolution *grown = realloc(a->resolutions, (a->n_resolutions + 1) * sizeof *grown);
    if (!model || !grown) {
        free(model);
        if (grown)
            a->resolutions = grown;
        cli_error("out of memory");
        return CLI_FAILURE;
    }
    a->resolutions = grown;
    a->resolutions[a->n_resolutions++] = (frmi_resolution){model, (int)r};
    return CLI_OK;
}

/* --macs N for one model, or --macs FILE for a table: a value that reads whole as a number is N. */
static int parse_macs(const char *arg, import_args *a)
{
    char *end;
    errno = 0;
    (void)strtod(arg, &end);
    if (end != arg && !*end && !errno)
        return cli_parse_real("import", "--macs", arg, 1, 1e18, &a->opts.macs);
    a->macs_file = arg;
    return CLI_OK;
}

static int parse_option(int c, const char *arg, import_args *a)
{
    static const char *const latency_units[] = {"us", "ms", "s"};
    static const double latency_scales[] = {1e-3, 1, 1e3};
    static const char *const memory_units[] = {"B", "KB", "MB", "GB", "KiB", "MiB", "GiB"};
    static const double memory_scales[] = {1e-6, 1e-3, 1, 1e3, 1024 / 1e6, 1048576 / 1e6,
                                           1073741824 / 1e6};
    frmi_import_options *o = &a->opts;
    long long n;
    int rc = CLI_OK;
    switch (c) {
    case OPT_DEVICE: o->device = arg; break;
    case OPT_FRAMEWORK: o->framework = arg; break;
    case OPT_FRAMEWORK_VERSION: o->framework_version = arg; break;
    case OPT_PRECISION: o->precision = arg; break;
    case OPT_PROVIDER: o->provider = arg; break;
    case OPT_MODEL: o->model = arg; break;
    case OPT_CONFIG_ID: o->config_id = arg; break;
    case OPT_ACCURACY: a->accuracy = arg; break;
    case OPT_ALIASES: a->aliases = arg; break;
    case OPT_SKIP_BAD: o->skip_bad = true; break;
    case 'q': a->quiet = true; break;
    case 'o': a->output = arg; break;
    case OPT_MAP: rc = parse_map(arg, a); break;
    case OPT_TIER:
        if ((o->tier = frm_tier_parse(arg)) == FRM_TIER_UNKNOWN)
            rc = cli_usage_error("import", "--tier '%s': expected gpu, cpu or edge", arg);
        break;
    case OPT_THREADS:
        if ((rc = cli_parse_int("import", "--threads", arg, 1, 4096, &n)) == CLI_OK)
            o->threads = (int)n;
        break;
    case OPT_BATCH:
        if ((rc = cli_parse_int("import", "--batch", arg, 1, 1 << 24, &n)) == CLI_OK)
            o->batch = (double)n;
        break;
    case OPT_MACS: rc = parse_macs(arg, a); break;
    case OPT_RESOLUTION: rc = parse_resolution(arg, a); break;
    case OPT_KEEP_MIRRORED: o->keep_mirrored = true; break;
    case 'v': a->verbose = true; break;
    case OPT_PARAMS:
        rc = cli_parse_real("import", "--params", arg, 1, 1e15, &o->params);
        break;
    case OPT_MEMORY_MB:
        rc = cli_parse_real("import", "--memory-mb", arg, 1e-9, 1e12, &o->memory_mb);
        break;
    case OPT_SIZE_POLICY:
        if (!frmi_size_policy_parse(arg, &o->size_policy))
            rc = cli_usage_error("import", "--size-policy '%s': expected suffix, default, max or "
                                 "all", arg);
        break;
    case OPT_LATENCY_UNIT:
        if (!unit_scale(arg, latency_units, latency_scales, 3, &o->latency_to_ms))
            rc = cli_usage_error("import", "--latency-unit '%s': expected us, ms or s", arg);
        break;
    case OPT_MEMORY_UNIT:
        if (!unit_scale(arg, memory_units, memory_scales, 7, &o->memory_to_mb))
            rc = cli_usage_error("import", "--memory-unit '%s': expected B, KB, MB, GB, KiB, "
                                 "MiB or GiB", arg);
        break;
    case OPT_DELIMITER:
        if (strcmp(arg, "\\t") == 0 || strcmp(arg, "tab") == 0)
            o->delimiter = '\t';
        else if (strlen(arg) == 1 && arg[0] != '"' && arg[0] != '\n')
            o->delimiter = arg[0];
        else
            rc = cli_usage_error("import", "--delimiter '%s': expected one character or 'tab'",
                                 arg);
        break;
    default:
        rc = CLI_USAGE;
    }
    return rc;
}

/* Returns CLI_OK, CLI_USAGE, or -1 after --help. */
static int parse_args(int argc, char **argv, import_args *a)
{
    static const struct option options[] = {
        {"output", required_argument, NULL, 'o'},
        {"device", required_argument, NULL, OPT_DEVICE},
        {"tier", required_argument, NULL, OPT_TIER},
        {"framework", required_argument, NULL, OPT_FRAMEWORK},
        {"framework-version", required_argument, NULL, OPT_FRAMEWORK_VERSION},
        {"precision", required_argument, NULL, OPT_PRECISION},
        {"provider", required_argument, NULL, OPT_PROVIDER},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"batch", required_argument, NULL, OPT_BATCH},
        {"model", required_argument, NULL, OPT_MODEL},
        {"config-id", required_argument, NULL, OPT_CONFIG_ID},
        {"macs", required_argument, NULL, OPT_MACS},
        {"params", required_argument, NULL, OPT_PARAMS},
        {"memory-mb", required_argument, NULL, OPT_MEMORY_MB},
        {"accuracy", required_argument, NULL, OPT_ACCURACY},
        {"aliases", required_argument, NULL, OPT_ALIASES},
        {"size-policy", required_argument, NULL, OPT_SIZE_POLICY},
        {"map", required_argument, NULL, OPT_MAP},
        {"latency-unit", required_argument, NULL, OPT_LATENCY_UNIT},
        {"memory-unit", required_argument, NULL, OPT_MEMORY_UNIT},
        {"delimiter", required_argument, NULL, OPT_DELIMITER},
        {"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
        {"resolution", required_argument, NULL, OPT_RESOLUTION},
        {"keep-mirrored", no_argument, NULL, OPT_KEEP_MIRRORED},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:qvh", options, NULL)) != -1) {
        if (c == 'h') {
            fputs(import_usage, stdout);
            return -1;
        }
        if (c == '?' || c == ':')
            return cli_bad_option("import", c, argv);
        int rc = parse_option(c, optarg, a);
        if (rc != CLI_OK)
            return rc;
    }
    if (optind >= argc)
        return cli_usage_error("import", "no format (timm, tflite, ort-perf, csv, aihub or ncnn)");
    if (!frmi_import_format_parse(argv[optind], &a->format))
        return cli_usage_error("import", "unknown format '%s' (use timm, tflite, ort-perf, csv, "
                               "aihub or ncnn)", argv[optind]);
    if (optind + 1 >= argc)
        return cli_usage_error("import", "no input files (give '-' to read standard input)");
    bool stdin_seen = false;
    for (int i = optind + 1; i < argc; i++)
        if (strcmp(argv[i], "-") == 0) {
            if (stdin_seen)
                return cli_usage_error("import", "'-' (standard input) given twice: it can be "
                                       "read once");
            stdin_seen = true;
        }
    return CLI_OK;
}

static void on_diag(void *ctx, const frm_error *e)
{
    import_args *a = ctx;
    if (e->code == FRM_OK) {
        if (!a->quiet)
            fprintf(stderr, "frm: note: %s\n", e->message);
        return;
    }
    if (e->code == FRM_E_SKIPPED) {
        if (a->verbose)
            fprintf(stderr, "frm: skipped: %s\n", e->message);
        else
            a->n_unlisted++;
        return;
    }
    a->n_errors++;
    cli_warning("%s (skipped)", e->message);
}

static frm_code write_records(FILE *out, void *im, frm_error *err)
{
    return frmi_importer_write(im, out, err);
}

/* Every entry left out, counted by reason: "entries: 9,589 read, 8,200 records, 1,389 skipped (...)". */
static void report_skips(const frmi_importer *im, const import_args *a)
{
    size_t n_reasons = frmi_importer_n_reasons(im);
    if (a->quiet || n_reasons == 0)
        return;
    size_t entries = frmi_importer_n_entries(im);
    if (entries)
        fprintf(stderr, "frm: %zu entries read: %zu records, %zu left out\n", entries,
                frmi_importer_count(im), frmi_importer_n_skipped(im));
    else
        fprintf(stderr, "frm: %zu entries left out\n", frmi_importer_n_skipped(im));
    for (size_t i = 0; i < n_reasons; i++) {
        size_t count;
        const char *why = frmi_importer_reason(im, i, &count);
        fprintf(stderr, "frm:   %7zu  %s\n", count, why);
    }
    if (a->n_unlisted)
        fprintf(stderr, "frm: (-v lists each entry left out by rule)\n");
}

static void report_without_macs(const frmi_importer *im, const import_args *a)
{
    size_t n = frmi_importer_n_without_macs(im);
    if (n && !a->quiet)
        fprintf(stderr, "frm: note: %zu of %zu records carry no MACs (frm counts the paper's 13 "
                "models itself where the input size measured is known; --macs FILE joins "
                "counts from 'frm profile'): FRM cannot score them\n", n,
                frmi_importer_count(im));
}

static int run(import_args *a, char **files, size_t n_files)
{
    frmi_aliases *aliases = NULL;
    frmi_accuracy_table *accuracy = NULL;
    frmi_macs_table *macs = NULL;
    frmi_importer *im = NULL;
    frm_error err;
    int status = CLI_FAILURE;
    if (frmi_aliases_new(&aliases, &err) != FRM_OK ||
        (a->aliases && frmi_aliases_load(aliases, a->aliases, &err) != FRM_OK) ||
        (a->accuracy &&
         frmi_accuracy_table_load(a->accuracy, aliases, &accuracy, &err) != FRM_OK) ||
        (a->macs_file && frmi_macs_table_load(a->macs_file, aliases, &macs, &err) != FRM_OK)) {
        cli_error("%s", err.message);
        goto done;
    }
    a->opts.aliases = aliases;
    a->opts.accuracy = accuracy;
    a->opts.macs_table = macs;
    a->opts.resolutions = a->resolutions;
    a->opts.n_resolutions = a->n_resolutions;
    if (frmi_importer_new(&a->opts, on_diag, a, &im, &err) != FRM_OK) {
        cli_error("%s", err.message);
        goto done;
    }
    size_t n_failed = 0;
    for (size_t i = 0; i < n_files; i++) {
        if (frmi_import_file(im, a->format, files[i], &err) != FRM_OK) {
            cli_error("%s", err.message);
            n_failed++;
            if (!a->opts.skip_bad)
                break;
        }
    }
    if (n_failed == 0 || a->opts.skip_bad) {
        if (frmi_importer_finish(im, &err) != FRM_OK) {
            cli_error("%s", err.message);
            n_failed++;
        }
    }
    if (n_failed && !a->opts.skip_bad) {
        cli_error("nothing written (fix the input, or use --skip-bad to import the rest)");
        goto done;
    }
    size_t n = frmi_importer_count(im);
    report_skips(im, a);
    if (n == 0) {
        cli_error("no records imported");
        goto done;
    }
    if (a->output) {
        status = cli_write_file(a->output, write_records, im);
    } else if (frmi_importer_write(im, stdout, &err) != FRM_OK) {
        cli_error("%s", err.message);
    } else {
        status = CLI_OK;
    }
    if (status == CLI_OK)
        report_without_macs(im, a);
    if (status == CLI_OK && !a->quiet)
        fprintf(stderr, "frm: imported %zu record%s from %zu file%s%s%s\n", n, n == 1 ? "" : "s",
                n_files - n_failed, n_files - n_failed == 1 ? "" : "s",
                a->output ? " into " : "", a->output ? a->output : "");
    if (status == CLI_OK && (a->n_errors || n_failed))
        cli_warning("%zu row%s and %zu file%s skipped (reported above)", a->n_errors,
                    a->n_errors == 1 ? "" : "s", n_failed, n_failed == 1 ? "" : "s");
done:
    frmi_importer_free(im);
    frmi_macs_table_free(macs);
    frmi_accuracy_table_free(accuracy);
    frmi_aliases_free(aliases);
    return status;
}

int cmd_import(int argc, char **argv)
{
    import_args a;
    memset(&a, 0, sizeof a);
    a.opts.batch = a.opts.macs = a.opts.params = a.opts.memory_mb = NAN;
    int status = parse_args(argc, argv, &a);
    if (status == CLI_OK)
        status = cli_finish(run(&a, argv + optind + 1, (size_t)(argc - optind - 1)));
    else if (status < 0)
        status = cli_finish(CLI_OK);
    for (size_t i = 0; i < a.n_resolutions; i++)
        free((char *)a.resolutions[i].model);
    free(a.resolutions);
    return status;
}
