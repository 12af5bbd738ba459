/*
 * tests/test_import_ort.c - frm import ort-perf: onnxruntime_perf_test
 * summaries in the wordings of old and new builds, where the provider, the
 * threads, the model and the tier come from, and logs that must be refused.
 *
 * The logs are written as the tool prints them (performance_runner.cc,
 * ort_test_session.cc); every expected figure is worked out by hand from the
 * text: "P50 Latency: 0.0123 s" is a median of 12.3 ms, "Peak working set
 * size: 123456789 bytes" 123.456789 MB (frm's MB are 10^6 bytes).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil_import.h"

/* What a build from 1.14 on prints with -x 4 -s, line by line. */
#define SUMMARY                                                                              \
    "Setting intra_op_num_threads to 4\n"          /* 1 */                                  \
    "Session creation time cost: 0.123 s\n"        /* 2 */                                  \
    "First inference time cost: 15 ms\n"           /* 3 */                                  \
    "Total inference time cost: 1.25 s\n"          /* 4 */                                  \
    "Total inference requests: 100\n"              /* 5 */                                  \
    "Average inference time cost: 12.5 ms\n"       /* 6 */                                  \
    "Total inference run time: 1.26 s\n"           /* 7 */                                  \
    "Number of inferences per second: 79.3651 \n"  /* 8 */                                  \
    "Avg CPU usage: 50 %\n"                        /* 9 */                                  \
    "Peak working set size: 123456789 bytes\n"     /* 10 */                                 \
    "Avg CPU usage:50\n"                           /* 11 */                                 \
    "Peak working set size:123456789\n"            /* 12 */                                 \
    "Runs:100\n"                                   /* 13 */                                 \
    "Min Latency: 0.0101 s\n"                      /* 14 */                                 \
    "Max Latency: 0.0199 s\n"                      /* 15 */                                 \
    "P50 Latency: 0.0123 s\n"                      /* 16 */                                 \
    "P90 Latency: 0.0145 s\n"                      /* 17 */                                 \
    "P95 Latency: 0.0156 s\n"                      /* 18 */                                 \
    "P99 Latency: 0.0178 s\n"                      /* 19 */                                 \
    "P999 Latency: 0.0199 s\n"                     /* 20 */

/* The same run with a result file and without -s: no percentiles, no threads line. */
#define SUMMARY_NO_STATS                                                                     \
    "Session creation time cost: 0.0183481 s\n"                                              \
    "First inference time cost: 2 ms\n"                                                      \
    "Total inference time cost: 9.40745 s\n"                                                 \
    "Total inference requests: 10000\n"                                                      \
    "Average inference time cost: 0.940745 ms\n"                                             \
    "Total inference run time: 9.41113 s\n"                                                  \
    "Number of inferences per second: 1062.57\n"                                             \
    "Avg CPU usage: 74 %\n"                                                                  \
    "Peak working set size: 50905088 bytes\n"

/* --- helpers ------------------------------------------------------------- */

typedef tu_import run;

/* Options most tests use: a zoo model on the CI machine, nothing else given. */
static void setup(run *r)
{
    tu_import_init(r);
    r->opts.device = "ci-x86";
    r->opts.model = "resnet50";
}

/* Writes `log` to `name` and imports it; the path goes to *path when asked for. */
static frm_code import(run *r, const char *name, const char *log, const char **path)
{
    const char *p = tu_write(name, log);
    if (path)
        *path = p;
    return tu_import_files(r, FRMI_IMPORT_ORT_PERF, p, NULL);
}

/* The one record the import made. */
static const frm_record *only_record(const run *r)
{
    assert_int_equal(frmi_importer_count(r->im), 1);
    return frmi_importer_record(r->im, 0);
}

/* `s` with its first `from` replaced by `to`, in a buffer of its own. */
static char *replaced(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

/* `s` with CRLF line ends, in a buffer of its own. */
static char *with_crlf(const char *s)
{
    char *out = malloc(2 * strlen(s) + 1);
    assert_non_null(out);
    size_t k = 0;
    for (const char *c = s; *c; c++) {
        if (*c == '\n')
            out[k++] = '\r';
        out[k++] = *c;
    }
    out[k] = '\0';
    return out;
}

/* The figures of SUMMARY, whatever the line ends. */
static void expect_summary_figures(const frm_record *rec)
{
    const frm_latency *l = &rec->latency_ms;
    assert_close(l->median, 12.3, 1e-12);
    assert_close(l->mean, 12.5, 1e-12);
    assert_close(l->min, 10.1, 1e-12);
    assert_close(l->max, 19.9, 1e-12);
    assert_close(l->p90, 14.5, 1e-12);
    assert_close(l->p95, 15.6, 1e-12);
    assert_close(l->p99, 17.8, 1e-12);
    assert_same(l->n, 100);
    assert_same(l->warmup, 1);
    assert_same(l->first_run, 15);
    assert_close(l->init_ms, 123, 1e-12);
    assert_close(rec->memory_mb.peak, 123.456789, 1e-12);
    assert_string_equal(rec->memory_mb.source, "measured");
}

/* --- wordings ------------------------------------------------------------ */

static void summary_in_seconds(void **state)
{
    (void)state;
    run r;
    setup(&r);
    assert_int_equal(import(&r, "resnet50-cpu.log", SUMMARY, NULL), FRM_OK);
    const frm_record *rec = only_record(&r);
    expect_summary_figures(rec);
    assert_string_equal(rec->model, "resnet50");
    assert_string_equal(rec->device, "ci-x86");
    assert_string_equal(rec->framework, "onnxruntime");
    assert_null(rec->framework_version);
    assert_int_equal(rec->tier, FRM_TIER_CPU);
    assert_same(rec->batch, 1);
    /* the zoo's counts for resnet50 */
    assert_same(rec->macs, 4089184256.0);
    assert_same(rec->params, 25557032.0);
    assert_string_equal(rec->config_id, "ci-x86/onnxruntime/cpu/threads-4/fp32");
    assert_contains(rec->config_json, "\"provider\":\"cpu\"");
    assert_contains(rec->config_json, "\"threads\":4");
    assert_contains(rec->config_json, "\"precision\":\"fp32\"");
    assert_string_equal(rec->source, "import:ort-perf:resnet50-cpu.log");
    assert_true(rec->ok);
    /* provider assumed, tier chosen; the threads were in the log */
    assert_int_equal(r.diags.n, 2);
    assert_true(tu_import_said(&r, "names no execution provider; 'cpu' assumed"));
    assert_true(tu_import_said(&r, "tier 'cpu' chosen from the execution provider 'cpu'"));
    tu_import_free(&r);
}

/* Later builds: "... cost total:"; per-shape blocks and forks print milliseconds. */
static void summary_in_milliseconds(void **state)
{
    (void)state;
    run r;
    setup(&r);
    const char *log = "Session creation time cost: 250 ms\n"
                      "First inference time cost: 196 ms\n"
                      "Total inference time cost: 0.49481 s\n"
                      "Total inference requests: 5\n"
                      "Average inference time cost total: 98.961997 ms\n"
                      "min latency: 95.8204 ms\n"
                      "max latency (ms): 101.519\n"
                      "P50 latency (ms): 99.5086\n"
                      "p90 latency: 101519 us\n"
                      "P95 LATENCY: 0.101519 sec\n"
                      "P99  Latency :  1.01519e-01 s\n"
                      "Peak working set size: 271122432 bytes\n";
    assert_int_equal(import(&r, "ms.log", log, NULL), FRM_OK);
    const frm_latency *l = &only_record(&r)->latency_ms;
    assert_close(l->init_ms, 250, 1e-12);
    assert_close(l->mean, 98.961997, 1e-12);
    assert_close(l->min, 95.8204, 1e-12);
    assert_close(l->max, 101.519, 1e-12);
    assert_close(l->median, 99.5086, 1e-12);
    assert_close(l->p90, 101.519, 1e-12);
    assert_close(l->p95, 101.519, 1e-12);
    assert_close(l->p99, 101.519, 1e-12);
    assert_same(l->n, 5);
    assert_close(only_record(&r)->memory_mb.peak, 271.122432, 1e-12);
    tu_import_free(&r);
}

/* The first builds: no unit after totals, "Total iterations", no memory figure. */
static void oldest_wording(void **state)
{
    (void)state;
    run r;
    setup(&r);
    r.opts.memory_mb = 250;
    const char *log = "Total time cost:1.23\n"
                      "Total iterations:100\n"
                      "Average time cost:12.3 ms\n";
    assert_int_equal(import(&r, "old.log", log, NULL), FRM_OK);
    const frm_record *rec = only_record(&r);
    assert_close(rec->latency_ms.median, 12.3, 1e-12);
    assert_close(rec->latency_ms.mean, 12.3, 1e-12);
    assert_same(rec->latency_ms.n, 100);
    assert_same(rec->latency_ms.init_ms, NAN);
    assert_same(rec->latency_ms.p90, NAN);
    assert_same(rec->memory_mb.peak, 250);
    assert_string_equal(rec->memory_mb.source, "estimated:user-supplied");
    /* without the Setting line the run used ORT's default */
    assert_string_equal(rec->config_id, "ci-x86/onnxruntime/cpu/threads-default/fp32");
    assert_null(strstr(rec->config_json, "threads"));
    assert_true(tu_import_said(&r, "states no thread count"));
    tu_import_free(&r);
}

/* Without -s and with a result file the tool prints no percentiles: the median is the mean. */
static void median_falls_back_to_average(void **state)
{
    (void)state;
    run r;
    setup(&r);
    assert_int_equal(import(&r, "nostats.log", SUMMARY_NO_STATS, NULL), FRM_OK);
    const frm_record *rec = only_record(&r);
    assert_close(rec->latency_ms.median, 0.940745, 1e-12);
    assert_close(rec->latency_ms.mean, 0.940745, 1e-12);
    assert_same(rec->latency_ms.min, NAN);
    assert_same(rec->latency_ms.n, 10000);
    assert_same(rec->latency_ms.first_run, 2);
    assert_close(rec->latency_ms.init_ms, 18.3481, 1e-12);
    assert_close(rec->memory_mb.peak, 50.905088, 1e-12);
    assert_true(tu_import_said(&r, "no 'P50 Latency'"));
    assert_true(tu_import_said(&r, "the median is the average"));
    tu_import_free(&r);
}

/* A log cut short after the totals still has a mean: total / requests. */
static void mean_from_totals(void **state)
{
    (void)state;
    run r;
    setup(&r);
    const char *log = "Session creation time cost: 0.1 s\n"
                      "Total inference time cost: 2.5 s\n"
                      "Total inference requests: 200\n"
                      "Peak working set size: 1000000 bytes\n";
    assert_int_equal(import(&r, "totals.log", log, NULL), FRM_OK);
    assert_close(only_record(&r)->latency_ms.median, 12.5, 1e-12);
    assert_close(only_record(&r)->latency_ms.mean, 12.5, 1e-12);
    tu_import_free(&r);
}

/* Builds with --data_shape add per-shape blocks, in ms and in s; the run's own figures win. */
static void shape_blocks_left_out(void **state)
{
    (void)state;
    run r;
    setup(&r);
    const char *log = "Session creation time cost: 0.2 s\n"
                      "First inference time cost: 30 ms\n"
                      "Total inference time cost: 2 s\n"
                      "Total inference requests: 200\n"
                      "Average inference time cost total: 10.000000 ms\n"
                      "Peak working set size: 200000000 bytes\n"
                      "\n"
                      "Latency per shape group:\n"
                      "  1. input : [1,3,224,224]\n"
                      "      Iterations: 100\n"
                      "      Average Latency: 8 ms\n"
                      "      Min Latency: 7 ms\n"
                      "      P50 Latency: 8 ms\n"
                      "\n"
                      "  2. input : [1,3,448,448]\n"
                      "      P50 Latency: 12 ms\n"
                      "Avg CPU usage:40\n"
                      "Peak working set size:200000000\n"
                      "Runs:200\n"
                      "Min Latency: 0.007 s\n"
                      "Max Latency: 0.0155 s\n"
                      "P50 Latency: 0.0099 s\n"
                      "P90 Latency: 0.014 s\n"
                      "\n"
                      "Shape group 1 (100 iterations):\n"
                      "  Min Latency: 0.007 s\n"
                      "  P50 Latency: 0.008 s\n";
    assert_int_equal(import(&r, "shapes.log", log, NULL), FRM_OK);
    const frm_latency *l = &only_record(&r)->latency_ms;
    assert_close(l->median, 9.9, 1e-12);
    assert_close(l->min, 7, 1e-12);
    assert_close(l->max, 15.5, 1e-12);
    assert_close(l->p90, 14, 1e-12);
    assert_close(l->mean, 10, 1e-12);
    /* one warm-up run per shape: not one */
    assert_same(l->warmup, NAN);
    tu_import_free(&r);
}

static void crlf_line_ends(void **state)
{
    (void)state;
    run r;
    setup(&r);
    char *log = with_crlf("$ onnxruntime_perf_test -e cuda -x 4 -s model_dir/resnet50.onnx\n"
                          SUMMARY);
    assert_int_equal(import(&r, "crlf.log", log, NULL), FRM_OK);
    const frm_record *rec = only_record(&r);
    expect_summary_figures(rec);
    assert_string_equal(rec->config_id, "ci-x86/onnxruntime/cuda/threads-4/fp32");
    free(log);
    tu_import_free(&r);
}

/* --- provider, threads, model, tier -------------------------------------- */

static void options_win_over_the_log(void **state)
{
    (void)state;
    run r;
    setup(&r);
    r.opts.provider = "CUDAExecutionProvider";
    r.opts.threads = 8;
    r.opts.precision = "fp16";
    r.opts.batch = 4;
    char *log = replaced(SUMMARY, "Setting intra_op_num_threads to 4\n",
                         "using OpenVINOExecutionProvider\nSetting intra_op_num_threads to 4\n");
    assert_int_equal(import(&r, "opts.log", log, NULL), FRM_OK);
    const frm_record *rec = only_record(&r);
    assert_string_equal(rec->config_id, "ci-x86/onnxruntime/cuda/threads-8/fp16");
    assert_contains(rec->config_json, "\"provider\":\"cuda\"");
    assert_contains(rec->config_json, "\"threads\":8");
    assert_contains(rec->config_json, "\"precision\":\"fp16\"");
    assert_contains(rec->config_json, "\"batch\":4");
    assert_same(rec->batch, 4);
    assert_int_equal(rec->tier, FRM_TIER_GPU);
    assert_int_equal(r.diags.n, 1);
    assert_true(tu_import_said(&r, "tier 'gpu' chosen from the execution provider 'cuda'"));
    free(log);
    tu_import_free(&r);
}

static void tier_from_options(void **state)
{
    (void)state;
    run r;
    setup(&r);
    r.opts.provider = "nnapi";
    r.opts.tier = FRM_TIER_EDGE;
    r.opts.framework = "onnxruntime-mobile";
    r.opts.framework_version = "1.17.0";
    r.opts.model = "resnet50.a1_in1k";
    assert_int_equal(import(&r, "edge.log", SUMMARY, NULL), FRM_OK);
    const frm_record *rec = only_record(&r);
    /* timm's pretrained tag is split off and kept */
    assert_string_equal(rec->model, "resnet50");
    assert_contains(rec->config_json, "\"tag\":\"a1_in1k\"");
    assert_int_equal(rec->tier, FRM_TIER_EDGE);
    assert_string_equal(rec->framework, "onnxruntime-mobile");
    assert_string_equal(rec->framework_version, "1.17.0");
    assert_string_equal(rec->config_id, "ci-x86/onnxruntime-mobile/nnapi/threads-4/fp32");
    assert_int_equal(r.diags.n, 0);
    tu_import_free(&r);
}

/* Without --model the name comes from the model path of an echoed command line. */
static void from_an_echoed_command_line(void **state)
{
    (void)state;
    run r;
    setup(&r);
    r.opts.model = NULL;
    char *log = replaced(SUMMARY, "Setting intra_op_num_threads to 4\n",
                         "+ ./build/onnxruntime_perf_test -e tensorrt -x 2 -m times -r 100 -s "
                         "-i 'trt_fp16_enable|true trt_int8_enable|false' -u opt.onnx "
                         "/models/resnet50.onnx result.txt 2>&1\n");
    const char *path;
    assert_int_equal(import(&r, "cmd.log", log, &path), FRM_OK);
    const frm_record *rec = only_record(&r);
    assert_string_equal(rec->model, "resnet50");
    assert_same(rec->macs, 4089184256.0);
    assert_int_equal(rec->tier, FRM_TIER_GPU);
    assert_string_equal(rec->config_id, "ci-x86/onnxruntime/tensorrt/threads-2/fp32");
    assert_true(tu_import_said(&r, "model 'resnet50' taken from the model path '/models/resnet50.onnx'"));
    assert_true(tu_import_said(&r, "tier 'gpu' chosen from the execution provider 'tensorrt'"));
    assert_false(tu_import_said(&r, "assumed"));
    free(log);
    tu_import_free(&r);

    /*
     * Through adb, over two lines, an ONNX test case folder (named by the
     * folder, as the tool does), torchvision's spelling of the model through
     * the built-in aliases; a fork names its provider.
     */
    frmi_aliases *aliases;
    frm_error err;
    assert_int_equal(frmi_aliases_new(&aliases, &err), FRM_OK);
    setup(&r);
    r.opts.model = NULL;
    r.opts.aliases = aliases;
    log = replaced(SUMMARY, "Setting intra_op_num_threads to 4\n",
                   "adb shell \"taskset 1 /data/local/tmp/onnxruntime_perf_test \\\n"
                   "  -r 100 -m times -s -Z -x1 /data/local/tmp/test_mobilenet_v2/model.onnx "
                   "-p prof\"\n"
                   "using SpaceMITExecutionProvider\n");
    assert_int_equal(import(&r, "adb.log", log, NULL), FRM_OK);
    rec = only_record(&r);
    assert_string_equal(rec->model, "mobilenetv2_100");
    assert_same(rec->macs, 300774272.0);
    assert_int_equal(rec->tier, FRM_TIER_CPU);
    assert_string_equal(rec->config_id, "ci-x86/onnxruntime/spacemit/threads-1/fp32");
    free(log);
    tu_import_free(&r);
    frmi_aliases_free(aliases);
}

/* A model the zoo does not know needs its MACs given. */
static void model_outside_the_zoo(void **state)
{
    (void)state;
    run r;
    setup(&r);
    r.opts.model = "my_detector";
    r.opts.macs = 1.5e9;
    r.opts.params = 2e6;
    assert_int_equal(import(&r, "mine.log", SUMMARY, NULL), FRM_OK);
    const frm_record *rec = only_record(&r);
    assert_string_equal(rec->model, "my_detector");
    assert_null(strstr(rec->config_json, "tag"));
    assert_same(rec->macs, 1.5e9);
    assert_same(rec->params, 2e6);
    tu_import_free(&r);

    /* without --macs the record keeps no MACs, rather than an invented count */
    setup(&r);
    r.opts.model = "my_detector";
    assert_int_equal(import(&r, "mine.log", SUMMARY, NULL), FRM_OK);
    rec = only_record(&r);
    assert_true(isnan(rec->macs));
    assert_null(strstr(rec->config_json, "macs_source"));
    assert_int_equal(frmi_importer_n_without_macs(r.im), 1);
    tu_import_free(&r);
}

/* No --model and no command line in the log: the record has no name, and says so. */
static void missing_model_reported(void **state)
{
    (void)state;
    run r;
    setup(&r);
    r.opts.model = NULL;
    const char *path;
    assert_int_equal(import(&r, "noname.log", SUMMARY, &path), FRM_E_FIELD);
    char where[512];
    snprintf(where, sizeof where, "%s:16: record lacks the model's name (--model)", path);
    assert_string_equal(r.err.message, where);
    assert_int_equal(frmi_importer_count(r.im), 0);
    tu_import_free(&r);
}

/* --- bad logs ------------------------------------------------------------ */

/* "-n" measures the session creation only: no latency at all. */
static void no_latency_names_the_file(void **state)
{
    (void)state;
    run r;
    setup(&r);
    const char *path;
    const char *log = "Setting intra_op_num_threads to 4\n"
                      "\n"
                      "Session creation time cost: 0.5 s\n";
    assert_int_equal(import(&r, "session-only.log", log, &path), FRM_E_FIELD);
    char where[512];
    snprintf(where, sizeof where, "%s:3: no latency", path);
    assert_contains(r.err.message, where);
    assert_int_equal(frmi_importer_count(r.im), 0);
    tu_import_free(&r);

    /* under --skip-bad: reported, counted, left out */
    setup(&r);
    r.opts.skip_bad = true;
    assert_int_equal(import(&r, "session-only.log", log, &path), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 0);
    assert_int_equal(frmi_importer_n_skipped(r.im), 1);
    assert_int_equal(r.diags.n, 1);
    assert_true(tu_import_said(&r, where));
    tu_import_free(&r);

    /* a crashed run */
    setup(&r);
    assert_int_equal(import(&r, "crash.log", "Run failed:Non-zero status code returned\n",
                            &path),
                     FRM_E_FIELD);
    snprintf(where, sizeof where, "%s:1: no latency", path);
    assert_contains(r.err.message, where);
    tu_import_free(&r);
}

static void empty_file(void **state)
{
    (void)state;
    run r;
    setup(&r);
    const char *path;
    assert_int_equal(import(&r, "empty.log", "", &path), FRM_E_FIELD);
    char where[512];
    snprintf(where, sizeof where, "%s:1: no latency", path);
    assert_contains(r.err.message, where);
    tu_import_free(&r);
}

/* A bad figure is named by line and column. */
static void garbage_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to;
        frm_code code;
        const char *where;           /* line:column: */
        const char *what;
    } cases[] = {
        {"P50 Latency: 0.0123 s", "P50 Latency: abc s", FRM_E_SYNTAX, ":16:14:",
         "not followed by a number"},
        {"P50 Latency: 0.0123 s", "P50 Latency:", FRM_E_SYNTAX, ":16:13:", "no value"},
        {"P50 Latency: 0.0123 s", "P50 Latency: 0,0123 s", FRM_E_SYNTAX, ":16:15:",
         "',' after the number"},
        {"P50 Latency: 0.0123 s", "P50 Latency: 0.0123 parsecs", FRM_E_SYNTAX, ":16:21:",
         "'parsecs' is not a unit"},
        {"P50 Latency: 0.0123 s", "P50 Latency: 1e999 s", FRM_E_FIELD, ":16:14:",
         "out of range"},
        {"Average inference time cost: 12.5 ms", "Average inference time cost: -12.5 ms",
         FRM_E_FIELD, ":6:30:", "negative"},
        {"Total inference requests: 100", "Total inference requests: 99.5", FRM_E_FIELD,
         ":5:27:", "not a whole number"},
        {"Peak working set size: 123456789 bytes", "Peak working set size: 123456789 ms",
         FRM_E_SYNTAX, ":10:34:", "'ms' is not a unit"},
        {"Setting intra_op_num_threads to 4", "Setting intra_op_num_threads to four",
         FRM_E_SYNTAX, ":1:33:", "thread count"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        run r;
        setup(&r);
        char *log = replaced(SUMMARY, cases[i].from, cases[i].to);
        const char *path;
        assert_int_equal(import(&r, "garbage.log", log, &path), cases[i].code);
        char where[512];
        snprintf(where, sizeof where, "%s%s", path, cases[i].where);
        assert_contains(r.err.message, where);
        assert_contains(r.err.message, cases[i].what);
        assert_int_equal(frmi_importer_count(r.im), 0);
        tu_import_free(&r);
        free(log);
    }

    /* under --skip-bad the file is skipped whole, with the same message */
    run r;
    setup(&r);
    r.opts.skip_bad = true;
    char *log = replaced(SUMMARY, "P50 Latency: 0.0123 s", "P50 Latency: abc s");
    assert_int_equal(import(&r, "garbage.log", log, NULL), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 0);
    assert_int_equal(frmi_importer_n_skipped(r.im), 1);
    assert_true(tu_import_said(&r, ":16:14: 'P50 Latency' is not followed by a number but by 'abc s'"));
    free(log);
    tu_import_free(&r);
}

/* Two runs appended to one file would mix their figures. */
static void two_runs_in_one_file(void **state)
{
    (void)state;
    run r;
    setup(&r);
    const char *path;
    assert_int_equal(import(&r, "twice.log", SUMMARY SUMMARY, &path), FRM_E_SYNTAX);
    char where[512];
    snprintf(where, sizeof where,
             "%s:22:1: a second 'Session creation time cost' (the first is on line 2)", path);
    assert_contains(r.err.message, where);
    tu_import_free(&r);
}

static void truncated_logs(void **state)
{
    (void)state;
    /* cut before any latency: refused */
    run r;
    setup(&r);
    assert_int_equal(import(&r, "cut.log", "Session creation time cost: 0.123 s\n"
                                           "First inference time cost: 15 ms\n"
                                           "Total inference time cost: 1.2",
                            NULL),
                     FRM_E_FIELD);
    assert_contains(r.err.message, "no latency");
    tu_import_free(&r);

    /* cut inside the statistics: what was printed is kept */
    setup(&r);
    char *log = strdup(SUMMARY);
    assert_non_null(log);
    *strstr(log, "Latency: 0.0123 s") = '\0';
    assert_int_equal(import(&r, "cut.log", log, NULL), FRM_OK);
    assert_close(only_record(&r)->latency_ms.median, 12.5, 1e-12);
    assert_close(only_record(&r)->latency_ms.max, 19.9, 1e-12);
    free(log);
    tu_import_free(&r);

    /*
     * Every prefix of a full log, each in a buffer of exactly its length
     * with no terminating NUL: under ASan a read past the end would fail.
     */
    static const char full[] = "$ onnxruntime_perf_test -e cuda -x 4 \\\r\n"
                               "   -s \"/models/test_resnet50/model.onnx\"\r\n"
                               "using CUDAExecutionProvider\r\n" SUMMARY;
    setup(&r);
    r.opts.skip_bad = true;
    assert_int_equal(frmi_importer_new(&r.opts, NULL, NULL, &r.im, &r.err), FRM_OK);
    for (size_t cut = 0; cut <= sizeof full - 1; cut++) {
        char *text = malloc(cut ? cut : 1);
        assert_non_null(text);
        memcpy(text, full, cut);
        assert_int_equal(frmi_import_ort_perf(r.im, "cut.log", text, cut, &r.err), FRM_OK);
        free(text);
    }
    /* each prefix from the first average on gave a record */
    assert_true(frmi_importer_count(r.im) > 0);
    assert_true(frmi_importer_n_skipped(r.im) > 0);
    tu_import_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_in_seconds),
        cmocka_unit_test(summary_in_milliseconds),
        cmocka_unit_test(oldest_wording),
        cmocka_unit_test(median_falls_back_to_average),
        cmocka_unit_test(mean_from_totals),
        cmocka_unit_test(shape_blocks_left_out),
        cmocka_unit_test(crlf_line_ends),
        cmocka_unit_test(options_win_over_the_log),
        cmocka_unit_test(tier_from_options),
        cmocka_unit_test(from_an_echoed_command_line),
        cmocka_unit_test(model_outside_the_zoo),
        cmocka_unit_test(missing_model_reported),
        cmocka_unit_test(no_latency_names_the_file),
        cmocka_unit_test(empty_file),
        cmocka_unit_test(garbage_numbers),
        cmocka_unit_test(two_runs_in_one_file),
        cmocka_unit_test(truncated_logs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
