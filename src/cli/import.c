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

const char import_usage[] =
    "usage: frm import FORMAT [options] FILE...\n"
    "\n"
    "Turns results that other tools produced into frm records (JSON Lines,\n"
    "schema frm.record/1), so devices frm never ran on join the analysis.\n"
    "Every record says where it came from: \"source\": \"import:FORMAT:FILE\".\n"
    "'-' reads standard input.  docs/import.md has every rule.\n"
    "\n"
    "Formats:\n"
    "  timm      timm's benchmark-infer-*.csv: one configuration per file,\n"
    "            device, tier, precision, layout, torch/CUDA versions and\n"
    "            compile mode read from the file name; latency per call =\n"
    "            infer_step_time with config.batch = infer_batch_size; memory\n"
    "            ESTIMATED as (params + activations) x bytes per element\n"
    "  tflite    a log of TensorFlow Lite's benchmark_model (one run a file)\n"
    "  ort-perf  the summary of onnxruntime_perf_test (one run a file)\n"
    "  csv       any table: --map FIELD=COLUMN for each field whose column is\n"
    "            not named after it\n"
    "\n"
    "Options:\n"
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
    "      --macs N            logs: the model's MACs when the zoo does not know it\n"
    "      --params N          logs: its parameter count\n"
    "      --memory-mb X       peak memory for inputs that measure none\n"
    "      --accuracy FILE     timm's results-imagenet.csv: top-1 for each (model,\n"
    "                          input size), first matching row, as a fraction\n"
    "      --aliases FILE      more names: 'SPELLING CANONICAL' per line\n"
    "      --size-policy P     timm, a model at several input sizes: suffix\n"
    "                          (default: the default size keeps the name, others\n"
    "                          are NAME@SIZE), default (only the default size),\n"
    "                          max (only the largest), all (every name NAME@SIZE)\n"
    "      --map FIELD=COLUMN  csv: read FIELD from COLUMN; repeatable.  Fields:\n"
    "                          model device tier framework framework_version\n"
    "                          config_id precision batch threads latency\n"
    "                          latency_mean latency_stdev latency_min latency_max\n"
    "                          latency_p90 latency_p95 latency_p99 memory energy\n"
    "                          macs flops params accuracy\n"
    "      --latency-unit U    csv: us, ms (default) or s\n"
    "      --memory-unit U     csv: B, KB, MB (default), GB, KiB, MiB or GiB\n"
    "      --delimiter C       csv: the field separator (default ',')\n"
    "      --skip-bad          report bad rows on stderr and import the rest\n"
    "  -q, --quiet             no notices (estimates made, values assumed)\n"
    "  -h, --help              show this help\n"
    "\n"
    "A bad row is reported as FILE:LINE:COLUMN; without --skip-bad nothing is\n"
    "written and the exit status is 1.\n"
    "\n"
    "Examples:\n"
    "  frm import timm benchmark-infer-*.csv --accuracy results-imagenet.csv | frm analyze -\n"
    "  frm import tflite --device pixel6 --tier edge -o pixel6.jsonl logs/*.txt\n"
    "  frm import ort-perf --device jetson-orin --provider cuda --model resnet50 perf.txt\n"
    "  frm import csv --map latency=p50_us --latency-unit us --map memory=peak_mb \\\n"
    "      --device rpi5 --tier edge --framework ncnn results.csv\n";

enum {
    OPT_DEVICE = 256, OPT_TIER, OPT_FRAMEWORK, OPT_FRAMEWORK_VERSION, OPT_PRECISION, OPT_PROVIDER,
    OPT_THREADS, OPT_BATCH, OPT_MODEL, OPT_CONFIG_ID, OPT_MACS, OPT_PARAMS, OPT_MEMORY_MB,
    OPT_ACCURACY, OPT_ALIASES, OPT_SIZE_POLICY, OPT_MAP, OPT_LATENCY_UNIT, OPT_MEMORY_UNIT,
    OPT_DELIMITER, OPT_SKIP_BAD
};

typedef struct import_args {
    frmi_import_options opts;
    frmi_import_format format;
    const char *output;
    const char *accuracy, *aliases;
    bool quiet;
    size_t n_errors;               /* rows reported */
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
    case OPT_MACS:
        rc = cli_parse_real("import", "--macs", arg, 1, 1e18, &o->macs);
        break;
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
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":o:qh", options, NULL)) != -1) {
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
        return cli_usage_error("import", "no format (timm, tflite, ort-perf or csv)");
    if (!frmi_import_format_parse(argv[optind], &a->format))
        return cli_usage_error("import", "unknown format '%s' (use timm, tflite, ort-perf or csv)",
                               argv[optind]);
    if (optind + 1 >= argc)
        return cli_usage_error("import", "no input files (give '-' to read standard input)");
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
    a->n_errors++;
    cli_warning("%s (skipped)", e->message);
}

/* The records to `path` through a temporary file in the same folder, renamed into place. */
static int write_atomically(const frmi_importer *im, const char *path)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        cli_error("out of memory");
        return CLI_FAILURE;
    }
    snprintf(tmp, n, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        cli_error("cannot create a temporary file beside '%s': %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return CLI_FAILURE;
    }
    frm_error err;
    int status = CLI_OK;
    if (frmi_importer_write(im, f, &err) != FRM_OK) {
        cli_error("%s: %s", path, err.message);
        status = CLI_FAILURE;
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        if (status == CLI_OK)
            cli_error("cannot write '%s': %s", path, strerror(errno));
        status = CLI_FAILURE;
    }
    if (fclose(f) != 0 && status == CLI_OK) {
        cli_error("cannot write '%s': %s", path, strerror(errno));
        status = CLI_FAILURE;
    }
    if (status == CLI_OK && rename(tmp, path) != 0) {
        cli_error("cannot rename the output into '%s': %s", path, strerror(errno));
        status = CLI_FAILURE;
    }
    if (status != CLI_OK)
        unlink(tmp);
    free(tmp);
    return status;
}

static int run(import_args *a, char **files, size_t n_files)
{
    frmi_aliases *aliases = NULL;
    frmi_accuracy_table *accuracy = NULL;
    frmi_importer *im = NULL;
    frm_error err;
    int status = CLI_FAILURE;
    if (frmi_aliases_new(&aliases, &err) != FRM_OK ||
        (a->aliases && frmi_aliases_load(aliases, a->aliases, &err) != FRM_OK) ||
        (a->accuracy &&
         frmi_accuracy_table_load(a->accuracy, aliases, &accuracy, &err) != FRM_OK)) {
        cli_error("%s", err.message);
        goto done;
    }
    a->opts.aliases = aliases;
    a->opts.accuracy = accuracy;
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
    if (n == 0) {
        cli_error("no records imported");
        goto done;
    }
    if (a->output) {
        status = write_atomically(im, a->output);
    } else if (frmi_importer_write(im, stdout, &err) != FRM_OK) {
        cli_error("%s", err.message);
    } else {
        status = CLI_OK;
    }
    if (status == CLI_OK && !a->quiet)
        fprintf(stderr, "frm: imported %zu record%s from %zu file%s%s%s\n", n, n == 1 ? "" : "s",
                n_files - n_failed, n_files - n_failed == 1 ? "" : "s",
                a->output ? " into " : "", a->output ? a->output : "");
    if (status == CLI_OK && (a->n_errors || n_failed))
        cli_warning("%zu row%s and %zu file%s skipped (reported above)", a->n_errors,
                    a->n_errors == 1 ? "" : "s", n_failed, n_failed == 1 ? "" : "s");
done:
    frmi_importer_free(im);
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
    if (status != CLI_OK)
        return status < 0 ? cli_finish(CLI_OK) : status;
    status = run(&a, argv + optind + 1, (size_t)(argc - optind - 1));
    return cli_finish(status);
}
