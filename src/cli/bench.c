/*
 * cli/bench.c - `frm bench`: measure ONNX models on this machine.
 */
#include <errno.h>
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/probe.h"
#include "bench/worker.h"
#include "cli/cli.h"
#include "util/output.h"

const char bench_usage[] =
    "usage: frm bench [options] MODEL.onnx...\n"
    "\n"
    "Measures ONNX models with ONNX Runtime on this machine and appends one\n"
    "record per model (JSON Lines, docs/record-format.md) to standard output or\n"
    "to -o FILE.  Each model runs in a fresh worker process (this program,\n"
    "re-executed), because a process's peak memory never goes down: measured\n"
    "together, models would report the largest peak so far, not their own.\n"
    "\n"
    "Protocol: session creation (init_ms), --warmup untimed runs (the first one\n"
    "is first_run), then --runs timed runs with the clock read around the run\n"
    "call only; inputs (seeded random data) and outputs are bound once.\n"
    "Reported: median, mean, stdev, min, max, p90/p95/p99 and the median's 95%\n"
    "confidence interval from order statistics (no normality assumed).\n"
    "memory_mb.peak = the worker's peak RSS (VmHWM) minus its RSS just before\n"
    "session creation: everything the model's session needed, weights included.\n"
    "\n"
    "Runtime:\n"
    "      --provider EP       cpu (default) or cuda (needs a GPU build of ONNX\n"
    "                          Runtime: see 'frm info' for what this one offers)\n"
    "  -t, --threads N         intra-op threads (default 0: every online core)\n"
    "      --opt LEVEL         graph optimisation: disable, basic, extended, all\n"
    "                          (default all)\n"
    "  -b, --batch N           the batch: the value of a symbolic leading dim\n"
    "                          (default 1); a model with a fixed batch keeps it,\n"
    "                          and --batch must agree; other symbolic dims need\n"
    "                          --input\n"
    "  -i, --input NAME=SHAPE  shape of input NAME, as 1x3x224x224 (repeatable)\n"
    "      --seed N            seed of the random input data (default 0)\n"
    "\n"
    "Protocol:\n"
    "  -w, --warmup N          untimed runs before timing (default 10)\n"
    "  -r, --runs N            timed runs (default 100)\n"
    "      --target-ci PCT     adaptive (instead of --runs): run until the median's\n"
    "                          95% CI half-width is within PCT% of the median,\n"
    "                          bounded by:\n"
    "      --min-runs N        at least N timed runs (default 10)\n"
    "      --max-runs N        at most N timed runs (default 1000)\n"
    "      --max-time SEC      stop the timed loop after SEC seconds (default: no\n"
    "                          limit; --min-runs still holds)\n"
    "      --timeout SEC       give up on a model after SEC seconds in all and\n"
    "                          write an error record (default: no limit)\n"
    "      --no-isolate        measure in this process: faster, but peak memory\n"
    "                          then includes what earlier models left behind\n"
    "      --no-energy         do not read energy counters (RAPL for cpu, NVML\n"
    "                          for cuda; energy_mj is null where unreadable)\n"
    "\n"
    "Records:\n"
    "  -o, --output FILE       append records to FILE (default standard output);\n"
    "                          each is one line, flushed and synced to disk\n"
    "      --device NAME       device name (default: the CPU model as a slug,\n"
    "                          e.g. intel-xeon-2-20ghz)\n"
    "      --tier TIER         gpu, cpu or edge (default: gpu for cuda, else cpu)\n"
    "      --accuracy FILE     CSV of model,top1 joined by model name; top1 as a\n"
    "                          fraction, or as a percentage when any value is\n"
    "                          above 1 (then all are)\n"
    "  -q, --quiet             no summary table\n"
    "  -h, --help              show this help\n"
    "\n"
    "The model name is the file name without .onnx.  config_id is built from\n"
    "device, runtime and version, provider, threads, optimisation level,\n"
    "precision and batch.  A model that fails to load or run, crashes its\n"
    "worker or times out gets an error record and the next model is measured.\n"
    "Ctrl-C finishes the current model and stops; twice abandons it.  The\n"
    "summary goes to standard output with -o, else to standard error.  Exit\n"
    "status: 0 when every model was measured, 1 otherwise.\n";

typedef struct bench_args {
    cli_bench_plan plan;
    const char *output;
    const char *accuracy;
    int quiet, worker;
} bench_args;

static int parse_args(int argc, char **argv, bench_args *a)
{
    enum {
        OPT_PROVIDER = 256, OPT_OPT, OPT_SEED, OPT_TARGET_CI, OPT_MIN_RUNS, OPT_MAX_RUNS,
        OPT_MAX_TIME, OPT_TIMEOUT, OPT_NO_ISOLATE, OPT_NO_ENERGY, OPT_DEVICE, OPT_TIER,
        OPT_ACCURACY, OPT_WORKER
    };
    static const struct option options[] = {
        {"provider", required_argument, NULL, OPT_PROVIDER},
        {"threads", required_argument, NULL, 't'},
        {"opt", required_argument, NULL, OPT_OPT},
        {"batch", required_argument, NULL, 'b'},
        {"input", required_argument, NULL, 'i'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"warmup", required_argument, NULL, 'w'},
        {"runs", required_argument, NULL, 'r'},
        {"target-ci", required_argument, NULL, OPT_TARGET_CI},
        {"min-runs", required_argument, NULL, OPT_MIN_RUNS},
        {"max-runs", required_argument, NULL, OPT_MAX_RUNS},
        {"max-time", required_argument, NULL, OPT_MAX_TIME},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"no-isolate", no_argument, NULL, OPT_NO_ISOLATE},
        {"no-energy", no_argument, NULL, OPT_NO_ENERGY},
        {"output", required_argument, NULL, 'o'},
        {"device", required_argument, NULL, OPT_DEVICE},
        {"tier", required_argument, NULL, OPT_TIER},
        {"accuracy", required_argument, NULL, OPT_ACCURACY},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"worker", no_argument, NULL, OPT_WORKER},
        {NULL, 0, NULL, 0},
    };
    frm_bench_options *o = &a->plan.opt;
    long long v;
    double x;
    frm_error err;
    bool runs_given = false;
    int c, rc = CLI_OK;
    opterr = 0;
    while (rc == CLI_OK && (c = getopt_long(argc, argv, ":t:b:i:w:r:o:qh", options, NULL)) != -1) {
        switch (c) {
        case OPT_PROVIDER:
            if (strcmp(optarg, "cpu") != 0 && strcmp(optarg, "cuda") != 0)
                return cli_usage_error("bench", "--provider '%s': expected cpu or cuda", optarg);
            o->provider = optarg;
            break;
        case 't':
            if ((rc = cli_parse_int("bench", "--threads", optarg, 0, 4096, &v)) == CLI_OK)
                o->threads = (int)v;
            break;
        case OPT_OPT:
            if (frm_graph_opt_parse(optarg, &o->graph_opt, &err) != FRM_OK)
                return cli_usage_error("bench", "--opt: %s", err.message);
            break;
        case 'b':
            if ((rc = cli_parse_int("bench", "--batch", optarg, 1, 1 << 20, &v)) == CLI_OK)
                o->batch = v;
            a->plan.batch_given = 1;
            break;
        case 'i':
            if (o->n_inputs == CLI_MAX_INPUTS)
                return cli_usage_error("bench", "more than %d --input options", CLI_MAX_INPUTS);
            if (frm_input_shape_parse(optarg, &a->plan.inputs[o->n_inputs], &err) != FRM_OK)
                return cli_usage_error("bench", "--input %s", err.message);
            for (size_t k = 0; k < o->n_inputs; k++)
                if (strcmp(a->plan.inputs[k].name, a->plan.inputs[o->n_inputs].name) == 0)
                    return cli_usage_error("bench", "--input %s: input '%s' is given twice",
                                           optarg, a->plan.inputs[k].name);
            o->n_inputs++;
            break;
        case OPT_SEED:
            if ((rc = cli_parse_int("bench", "--seed", optarg, 0, (long long)1 << 53, &v)) == CLI_OK)
                o->seed = (uint64_t)v;
            break;
        case 'w':
            if ((rc = cli_parse_int("bench", "--warmup", optarg, 0, 1000000, &v)) == CLI_OK)
                o->warmup = (int)v;
            break;
        case 'r':
            if ((rc = cli_parse_int("bench", "--runs", optarg, 1, 10000000, &v)) == CLI_OK)
                o->runs = (int)v;
            runs_given = true;
            break;
        case OPT_TARGET_CI:
            if ((rc = cli_parse_real("bench", "--target-ci", optarg, 1e-6, 99, &x)) == CLI_OK)
                o->target_ci = x / 100.0;
            break;
        case OPT_MIN_RUNS:
            if ((rc = cli_parse_int("bench", "--min-runs", optarg, 1, 10000000, &v)) == CLI_OK)
                o->min_runs = (int)v;
            break;
        case OPT_MAX_RUNS:
            if ((rc = cli_parse_int("bench", "--max-runs", optarg, 1, 10000000, &v)) == CLI_OK)
                o->max_runs = (int)v;
            break;
        case OPT_MAX_TIME:
            rc = cli_parse_real("bench", "--max-time", optarg, 0, 1e7, &o->max_time_s);
            break;
        case OPT_TIMEOUT:
            rc = cli_parse_real("bench", "--timeout", optarg, 0, 1e7, &a->plan.timeout_s);
            break;
        case OPT_NO_ISOLATE:
            a->plan.isolate = 0;
            break;
        case OPT_NO_ENERGY:
            o->energy = 0;
            break;
        case 'o':
            a->output = optarg;
            break;
        case OPT_DEVICE:
            if (!*optarg)
                return cli_usage_error("bench", "--device needs a non-empty name");
            a->plan.device = optarg;
            break;
        case OPT_TIER:
            if ((a->plan.tier = frm_tier_parse(optarg)) == FRM_TIER_UNKNOWN)
                return cli_usage_error("bench", "--tier '%s': expected gpu, cpu or edge", optarg);
            break;
        case OPT_ACCURACY:
            a->accuracy = optarg;
            break;
        case 'q':
            a->quiet = 1;
            break;
        case OPT_WORKER:
            a->worker = 1;
            break;
        case 'h':
            fputs(bench_usage, stdout);
            return -1;
        default:
            return cli_bad_option("bench", c, argv);
        }
    }
    if (rc != CLI_OK)
        return rc;
    if (optind >= argc)
        return cli_usage_error("bench", "no model files");
    if (o->target_ci > 0 && runs_given)
        return cli_usage_error("bench", "--runs and --target-ci: a fixed number of runs, or runs "
                               "until the interval is narrow enough (bounded by --min-runs and "
                               "--max-runs), not both");
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores > 0 && o->threads > cores && !a->worker)
        cli_warning("--threads %d on %ld online cores: threads will share cores, and latency "
                    "measures the contention", o->threads, cores);
    if (o->target_ci > 0 && o->min_runs > o->max_runs)
        return cli_usage_error("bench", "--min-runs %d is above --max-runs %d", o->min_runs, o->max_runs);
    if (a->plan.timeout_s > 0 && !a->plan.isolate)
        cli_warning("--timeout needs isolation; with --no-isolate it is not enforced");
    return CLI_OK;
}

/*
 * A test hook: FRM_TEST_WORKER_FAULT=MODEL:abort|hang|exit makes the
 * worker for MODEL crash, stop responding or exit without a result, so the
 * tests can check that such a worker costs only its own model.
 */
static void test_fault(const char *model)
{
    const char *spec = getenv("FRM_TEST_WORKER_FAULT");
    const char *colon = spec ? strchr(spec, ':') : NULL;
    if (!colon)
        return;
    const char *base = strrchr(model, '/');
    base = base ? base + 1 : model;
    size_t n = (size_t)(colon - spec);
    if (strncmp(base, spec, n) != 0 || (base[n] != '\0' && strcmp(base + n, ".onnx") != 0))
        return;
    if (strcmp(colon + 1, "abort") == 0)
        abort();
    if (strcmp(colon + 1, "hang") == 0)
        for (;;)
            pause();
    if (strcmp(colon + 1, "exit") == 0)
        _exit(3);
}

/* Ten lines a second at most: a model that runs in microseconds would
 * otherwise spend its loop writing to the pipe. */
static void send_progress(void *ctx, int done, int total)
{
    (void)ctx;
    static double last_ms;
    double now = frmi_now_ms();
    if (now - last_ms < 100.0 && done != total)
        return;
    last_ms = now;
    char text[64];
    snprintf(text, sizeof text, "%d %d", done, total);
    frmi_worker_send("progress", text);
}

int cli_bench_worker(const cli_bench_plan *plan, const char *model)
{
    /* Ctrl-C is the parent's to handle: it decides whether to wait. */
    signal(SIGINT, SIG_IGN);
#ifdef __GLIBC__
    /* glibc raises its mmap threshold each time a large block is freed,
     * after which blocks of that size stay in the heap once freed: the RSS
     * would then count memory the allocator keeps, not memory the model
     * uses (resnet50 under full optimisation: 294 MB instead of 230).
     * Fixing the thresholds at glibc's defaults keeps freed large blocks
     * going back to the system. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    mallopt(M_TRIM_THRESHOLD, 128 * 1024);
#endif
    test_fault(model);
    frm_bench_options o = plan->opt;
    o.progress = send_progress;
    frm_measurement m;
    frm_error err;
    if (frm_bench_measure(model, &o, &m, &err) != FRM_OK) {
        frmi_worker_send("error", err.message);
        return CLI_FAILURE;
    }
    frmi_buf line;
    frmi_buf_init(&line);
    frmi_measurement_to_json(&line, &m);
    int status = CLI_OK;
    if (line.failed) {
        frmi_worker_send("error", "out of memory");
        status = CLI_FAILURE;
    } else {
        frmi_worker_send("result", line.data);
    }
    frmi_buf_release(&line);
    return status;
}

int cmd_bench(int argc, char **argv)
{
    bench_args a;
    memset(&a, 0, sizeof a);
    cli_bench_plan_init(&a.plan);
    int rc = parse_args(argc, argv, &a);
    if (rc != CLI_OK)
        return rc < 0 ? cli_finish(CLI_OK) : rc;
    if (a.worker)
        return cli_bench_worker(&a.plan, argv[optind]);

    frm_accuracy *acc = NULL;
    frm_error err;
    if (a.accuracy && frm_accuracy_load(a.accuracy, &acc, &err) != FRM_OK) {
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    a.plan.accuracy = acc;
    FILE *out = stdout;
    if (a.output && frmi_output_append(a.output, &out, &err) != FRM_OK) {
        cli_error("%s", err.message);
        frm_accuracy_free(acc);
        return CLI_FAILURE;
    }
    cli_bench_report rep;
    int status = cli_bench_models(&a.plan, argv + optind, (size_t)(argc - optind), out, &rep);
    if (out != stdout && fclose(out) != 0) {
        cli_error("cannot write '%s': %s", a.output, strerror(errno));
        status = CLI_FAILURE;
    }
    if (!a.quiet && rep.n_rows > 0) {
        FILE *summary = a.output ? stdout : stderr;
        fputc('\n', summary);
        cli_bench_print_summary(summary, &rep);
    }
    if (rep.n_failed)
        cli_error("%zu of %zu model%s failed; see the error records", rep.n_failed,
                  (size_t)(argc - optind), argc - optind == 1 ? "" : "s");
    cli_bench_report_release(&rep);
    frm_accuracy_free(acc);
    return cli_finish(status);
}
