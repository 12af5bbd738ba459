/*
 * tests/test_import_tflite.c - frm import tflite: logs of TensorFlow Lite's
 * benchmark_model as its versions wrote them, and logs it never finished.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil_import.h"

/* --- Logs ------------------------------------------------------------------------ */

/* TensorFlow 2.12 and later: severity tags, percentiles, the periodic memory monitor. */
static const char newer_log[] =
    "INFO: STARTING!\n"
    "INFO: Log parameter values verbosely: [0]\n"
    "INFO: Min num runs: [50]\n"
    "INFO: Num threads: [4]\n"
    "INFO: Graph: [/data/local/tmp/rn50_float.tflite]\n"
    "INFO: Signature to run: []\n"
    "INFO: Enable op profiling: [1]\n"
    "INFO: #threads used for CPU inference: [4]\n"
    "INFO: Use xnnpack: [1]\n"
    "INFO: Loaded model /data/local/tmp/rn50_float.tflite\n"                 /* 10 */
    "INFO: Initialized TensorFlow Lite runtime.\n"
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n"
    "VERBOSE: Replacing 77 out of 77 node(s) with delegate (TfLiteXNNPackDelegate) node, "
    "yielding 1 partitions for subgraph 0.\n"
    "INFO: The input model file size (MB): 102.161\n"
    "INFO: Initialized session in 35.2ms.\n"
    "INFO: Running benchmark for at least 1 iterations and at least 0.5 seconds but "
    "terminate if exceeding 150 seconds.\n"
    "INFO: count=5 first=130000 curr=118000 min=117000 max=130000 avg=120500 std=4800 "
    "p5=117000 median=118000 p95=130000\n"                                      /* 17 */
    "\n"
    "INFO: Running benchmark for at least 50 iterations and at least 1 seconds but "
    "terminate if exceeding 150 seconds.\n"
    "INFO: count=50 first=118500 curr=118200 min=116900 max=125300 avg=118850 std=1650 "
    "p5=117100 median=118400 p95=122900\n"                                      /* 20 */
    "\n"
    "INFO: Inference timings in us: Init: 35212, First inference: 131000, "
    "Warmup (avg): 120500, Inference (avg): 118850\n"
    "INFO: Note: as the benchmark tool itself affects memory footprint, the following is "
    "only APPROXIMATE to the actual memory footprint of the model at runtime. Take the "
    "information at your discretion.\n"
    "INFO: Memory footprint delta from the start of the tool (MB): init=98.5 overall=112.25\n"
    "INFO: Overall peak memory footprint (MB) via periodic monitoring: 130.5\n"
    "INFO: Memory status at the end of exeution:\n"
    "INFO: - VmRSS              : 131 MB\n"
    "INFO: + RssAnnon           : 20 MB\n"
    "INFO: + RssFile + RssShmem : 111 MB\n"
    "Number of nodes executed: 1\n"
    "============================== Summary by node type ==============================\n"
    "\t[Node type]\t[count]\t[avg ms]\t[avg %]\t[cdf %]\t[mem KB]\t[times called]\n"
    "\tTfLiteXNNPackDelegate\t1\t117.900\t100.000%\t100.000%\t0.000\t1\n"
    "\n"
    "Timings (microseconds): count=50 first=117000 curr=117500 min=116000 max=124000 "
    "avg=117900 std=1600\n"
    "Memory (bytes): count=0\n"
    "1 nodes observed\n";

/* TensorFlow 1.15 to 2.2: no tags, "Use nnapi : [1]", the [Init Phase] and [Overall] memory. */
static const char older_log[] =
    "STARTING!\n"
    "Min num runs: [50]\n"
    "Min runs duration (seconds): [1]\n"
    "Max runs duration (seconds): [150]\n"
    "Inter-run delay (seconds): [-1]\n"
    "Num threads: [2]\n"
    "Benchmark name: []\n"
    "Output prefix: []\n"
    "Min warmup runs: [1]\n"
    "Min warmup runs duration (seconds): [0.5]\n"
    "Graph: [/data/local/tmp/mobilenet_v1_1.0_224_quant.tflite]\n"
    "Input layers: []\n"
    "Input shapes: []\n"
    "Use nnapi : [1]\n"
    "Use legacy nnapi : [0]\n"
    "Use gpu : [0]\n"
    "Allow fp16 : [0]\n"
    "Require full delegation : [0]\n"
    "Enable op profiling: [0]\n"
    "Max profiling buffer entries: [1024]\n"
    "Loaded model /data/local/tmp/mobilenet_v1_1.0_224_quant.tflite\n"
    "resolved reporter\n"
    "Initialized session in 5.071ms\n"
    "[Init Phase] - Memory usage: max resident set size = 2.21406 MB, total malloc-ed size "
    "= 0.0133591 MB\n"
    "Running benchmark for at least 1 iterations and at least 0.5 seconds but terminate if "
    "exceeding 150 seconds.\n"
    "count=9 first=67460 curr=57221 min=57165 max=67460 avg=58423.4 std=3188\n"
    "\n"
    "Running benchmark for at least 50 iterations and at least 1 seconds but terminate if "
    "exceeding 150 seconds.\n"
    "count=50 first=57287 curr=57262 min=57130 max=58001 avg=57339.3 std=173\n"
    "\n"
    "[Overall] - Memory usage: max resident set size = 4.19531 MB, total malloc-ed size = "
    "0.0263138 MB\n"
    "Average inference timings in us: Warmup: 58423.4, Init: 5071, no stats: 57339.3\n";

/* TensorFlow 1.12: "Num runs", "Running benchmark for N iterations", a one-run warm-up. */
static const char oldest_log[] =
    "STARTING!\n"
    "Num runs: [50]\n"
    "Inter-run delay (seconds): [-1]\n"
    "Num threads: [1]\n"
    "Benchmark name: []\n"
    "Output prefix: []\n"
    "Warmup runs: [1]\n"
    "Graph: [mobilenet_v1_1.0_224_quant.tflite]\n"
    "Input layers: []\n"
    "Input shapes: []\n"
    "Use nnapi : [0]\n"
    "Loaded model mobilenet_v1_1.0_224_quant.tflite\n"
    "resolved reporter\n"
    "Initialized session in 4.452ms\n"
    "Running benchmark for 1 iterations\n"
    "count=1 curr=146161\n"
    "\n"
    "Running benchmark for 50 iterations\n"
    "count=50 first=137789 curr=137254 min=137079 max=143416 avg=137722 std=896\n"
    "\n"
    "Average inference timings in us: Warmup: 146161, Init: 4452, no stats: 137722\n";

/* TensorFlow 2.3 to 2.5 on an NPU: "Peak memory footprint (MB): init= overall=". */
static const char middle_log[] =
    "STARTING!\n"
    "Log parameter values verbosely: [0]\n"
    "Graph: [/usr/share/models/mobilenet_v1_1.0_224_quant.tflite]\n"
    "Use NNAPI: [1]\n"
    "NNAPI accelerators available: [vsi-npu]\n"
    "Loaded model /usr/share/models/mobilenet_v1_1.0_224_quant.tflite\n"
    "INFO: Created TensorFlow Lite delegate for NNAPI.\n"
    "Explicitly applied NNAPI delegate, and the model graph will be completely executed by "
    "the delegate.\n"
    "The input model file size (MB): 4.27635\n"
    "Initialized session in 13.386ms.\n"
    "Running benchmark for at least 1 iterations and at least 0.5 seconds but terminate if "
    "exceeding 150 seconds.\n"
    "count=1 curr=11403859\n"
    "\n"
    "Running benchmark for at least 50 iterations and at least 1 seconds but terminate if "
    "exceeding 150 seconds.\n"
    "count=260 first=3918 curr=3711 min=3700 max=4026 avg=3756.87 std=35\n"
    "\n"
    "Inference timings in us: Init: 13386, First inference: 11403859, Warmup (avg): "
    "1.14039e+07, Inference (avg): 3756.87\n"
    "Note: as the benchmark tool itself affects memory footprint, the following is only "
    "APPROXIMATE to the actual memory footprint of the model at runtime. Take the "
    "information at your discretion.\n"
    "Peak memory footprint (MB): init=0 overall=15.3438\n";

/* The two passes, for logs that differ only in their parameters. */
static const char passes[] =
    "INFO: Running benchmark for at least 1 iterations and at least 0.5 seconds but "
    "terminate if exceeding 150 seconds.\n"
    "INFO: count=2 first=21000 curr=20500 min=20500 max=21000 avg=20750 std=250\n"
    "INFO: Running benchmark for at least 50 iterations and at least 1 seconds but "
    "terminate if exceeding 150 seconds.\n"
    "INFO: count=50 first=20100 curr=20000 min=19800 max=20900 avg=20200 std=200\n"
    "INFO: Memory footprint delta from the start of the tool (MB): init=10 overall=25\n";

/* --- Helpers --------------------------------------------------------------------- */

typedef tu_import run;

static void run_init(run *r)
{
    tu_import_init(r);
    r->opts.device = "pixel6";
}

static void run_free(run *r)
{
    tu_import_free(r);
}

/* Writes `text` as `name` and imports it; returns the first failure. */
static frm_code run_log(run *r, const char *name, const char *text)
{
    return tu_import_files(r, FRMI_IMPORT_TFLITE, tu_write(name, text), NULL);
}

/* The one record that `text` makes. */
static const frm_record *import_ok(run *r, const char *name, const char *text)
{
    frm_code rc = run_log(r, name, text);
    if (rc != FRM_OK)
        print_message("%s\n", r->err.message);
    assert_int_equal(rc, FRM_OK);
    assert_int_equal(frmi_importer_count(r->im), 1);
    return frmi_importer_record(r->im, 0);
}

/* `text` fails with `code` and a message containing `where` ("FILE:LINE:COLUMN: "). */
static void import_bad(const char *name, const char *text, frm_code code, const char *where,
                       const char *what)
{
    run r;
    run_init(&r);
    r.opts.model = "resnet50";
    assert_int_equal(run_log(&r, name, text), code);
    assert_contains(r.err.message, where);
    assert_contains(r.err.message, what);
    assert_int_equal(frmi_importer_count(r.im), 0);
    run_free(&r);
}

/* `text` up to the end of the first `mark` in it, into `buf`. */
static const char *cut_after(char *buf, size_t size, const char *text, const char *mark)
{
    const char *at = strstr(text, mark);
    assert_non_null(at);
    size_t n = (size_t)(at - text) + strlen(mark);
    assert_true(n < size);
    memcpy(buf, text, n);
    buf[n] = '\0';
    return buf;
}

/* `text` with its first `from` replaced by `to`, into `buf`. */
static const char *edited(char *buf, size_t size, const char *text, const char *from,
                          const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    int n = snprintf(buf, size, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    assert_true(n > 0 && (size_t)n < size);
    return buf;
}

/* `params`, a graph, and the two passes. */
static const char *with_params(char *buf, size_t size, const char *graph, const char *params)
{
    int n = snprintf(buf, size, "INFO: STARTING!\nINFO: Graph: [%s]\n%s%s", graph, params, passes);
    assert_true(n > 0 && (size_t)n < size);
    return buf;
}

/* --- Whole logs ------------------------------------------------------------------ */

static void newer_log_with_percentiles(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    r.opts.model = "resnet50";
    const frm_record *rec = import_ok(&r, "newer.log", newer_log);

    assert_string_equal(rec->model, "resnet50");
    assert_string_equal(rec->device, "pixel6");
    assert_int_equal(rec->tier, FRM_TIER_EDGE);
    assert_string_equal(rec->framework, "tflite");
    assert_null(rec->framework_version);
    assert_string_equal(rec->source, "import:tflite:newer.log");
    /* the timed pass, not the warm-up nor the op profiler's "Timings (microseconds)" */
    assert_same(rec->latency_ms.median, 118.4);
    assert_same(rec->latency_ms.mean, 118.85);
    assert_same(rec->latency_ms.stdev, 1.65);
    assert_same(rec->latency_ms.min, 116.9);
    assert_same(rec->latency_ms.max, 125.3);
    assert_same(rec->latency_ms.p95, 122.9);
    assert_same(rec->latency_ms.p90, NAN);
    assert_same(rec->latency_ms.n, 50);
    assert_same(rec->latency_ms.warmup, 5);
    /* "Init: 35212" is finer than "Initialized session in 35.2ms" */
    assert_same(rec->latency_ms.init_ms, 35.212);
    assert_same(rec->latency_ms.first_run, 131);
    assert_same(rec->memory_mb.peak, 130.5);
    assert_same(rec->memory_mb.rss_peak_delta, 112.25);
    assert_same(rec->memory_mb.rss_after_load, 98.5);
    assert_string_equal(rec->memory_mb.source, "measured");
    assert_same(rec->macs, 4089184256.0);
    assert_same(rec->params, 25557032.0);
    assert_same(rec->batch, 1);

    assert_contains(rec->config_json, "\"graph\":\"rn50_float.tflite\"");
    assert_contains(rec->config_json, "\"threads\":4");
    assert_contains(rec->config_json, "\"delegate\":\"xnnpack\"");
    assert_contains(rec->config_json, "\"precision\":\"fp32\"");
    assert_string_equal(rec->config_id, "pixel6/tflite/fp32/threads-4/xnnpack");

    /* the tier and the precision were assumed, and said so */
    assert_int_equal(r.diags.n, 2);
    assert_contains(r.diags.message[0], "newer.log: tier taken as 'edge'");
    assert_contains(r.diags.message[1], "precision 'fp32' guessed from the graph's file name "
                                        "'rn50_float.tflite'");
    run_free(&r);
}

static void older_log_wording(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    r.opts.model = "mobilenet_v1";
    r.opts.macs = 569e6;
    r.opts.tier = FRM_TIER_EDGE;
    const frm_record *rec = import_ok(&r, "older.log", older_log);

    assert_string_equal(rec->model, "mobilenet_v1");
    assert_same(rec->macs, 569e6);
    assert_same(rec->params, NAN);
    /* no median printed: the mean stands in */
    assert_close(rec->latency_ms.median, 57.3393, 1e-12);
    assert_close(rec->latency_ms.mean, 57.3393, 1e-12);
    assert_same(rec->latency_ms.stdev, 0.173);
    assert_same(rec->latency_ms.min, 57.13);
    assert_same(rec->latency_ms.max, 58.001);
    assert_same(rec->latency_ms.n, 50);
    assert_same(rec->latency_ms.warmup, 9);
    /* no "First inference": the warm-up's first run is it */
    assert_same(rec->latency_ms.first_run, 67.46);
    assert_same(rec->latency_ms.init_ms, 5.071);
    assert_same(rec->memory_mb.peak, 4.19531);
    assert_same(rec->memory_mb.rss_peak_delta, 4.19531);
    assert_same(rec->memory_mb.rss_after_load, 2.21406);
    assert_string_equal(rec->memory_mb.source, "measured");
    assert_contains(rec->config_json, "\"delegate\":\"nnapi\"");
    assert_contains(rec->config_json, "\"precision\":\"int8\"");
    assert_string_equal(rec->config_id, "pixel6/tflite/int8/threads-2/nnapi");
    assert_int_equal(r.diags.n, 1);
    assert_contains(r.diags.message[0], "precision 'int8' guessed");
    run_free(&r);
}

static void oldest_log_with_a_one_run_warmup(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    r.opts.model = "mobilenet_v1";
    r.opts.macs = 569e6;
    r.opts.memory_mb = 20;
    const frm_record *rec = import_ok(&r, "oldest.log", oldest_log);

    assert_same(rec->latency_ms.median, 137.722);
    assert_same(rec->latency_ms.min, 137.079);
    assert_same(rec->latency_ms.n, 50);
    assert_same(rec->latency_ms.warmup, 1);
    /* "count=1 curr=146161": the warm-up's only run */
    assert_same(rec->latency_ms.first_run, 146.161);
    assert_same(rec->latency_ms.init_ms, 4.452);
    /* no memory in the log: --memory-mb */
    assert_same(rec->memory_mb.peak, 20);
    assert_string_equal(rec->memory_mb.source, "estimated:user-supplied");
    assert_same(rec->memory_mb.rss_peak_delta, NAN);
    assert_string_equal(rec->config_id, "pixel6/tflite/int8/threads-1/cpu");
    run_free(&r);
}

static void middle_log_and_init_zero(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    r.opts.model = "mobilenet_v1";
    r.opts.macs = 569e6;
    const frm_record *rec = import_ok(&r, "middle.log", middle_log);

    assert_close(rec->latency_ms.mean, 3.75687, 1e-12);
    assert_same(rec->latency_ms.min, 3.7);
    assert_same(rec->latency_ms.max, 4.026);
    assert_same(rec->latency_ms.stdev, 0.035);
    assert_same(rec->latency_ms.n, 260);
    assert_same(rec->latency_ms.warmup, 1);
    assert_same(rec->latency_ms.first_run, 11403.859);
    assert_same(rec->latency_ms.init_ms, 13.386);
    /* "init=0": the tool could not tell, which is not a measured zero */
    assert_same(rec->memory_mb.peak, 15.3438);
    assert_same(rec->memory_mb.rss_peak_delta, 15.3438);
    assert_same(rec->memory_mb.rss_after_load, NAN);
    /* no thread count in the log: none in the configuration */
    assert_string_equal(rec->config_id, "pixel6/tflite/int8/nnapi");
    assert_null(strstr(rec->config_json, "threads"));
    run_free(&r);
}

static void scientific_notation(void **state)
{
    (void)state;
    static const char log[] =
        "INFO: Graph: [/sdcard/netx.tflite]\n"
        "INFO: Running benchmark for at least 1 iterations and at least 0.5 seconds but "
        "terminate if exceeding 150 seconds.\n"
        "INFO: count=2 first=1.4e+04 curr=1.3e+04 min=1.3e+04 max=1.4e+04 avg=1.35e+04 std=5e+02\n"
        "INFO: Running benchmark for at least 50 iterations and at least 1 seconds but "
        "terminate if exceeding 150 seconds.\n"
        "INFO: count=1000 first=1.2e+04 curr=1.19e+04 min=1.15e+04 max=1.3e+04 avg=1.2e+04 "
        "std=3e+02 p5=1.16e+04 median=1.195e+04 p95=1.25e+04\n"
        "INFO: Inference timings in us: Init: 3.5e+03, First inference: 1.4e+04, "
        "Warmup (avg): 1.35e+04, Inference (avg): 1.2e+04\n"
        "INFO: Peak memory footprint (MB): init=1.5e+01 overall=4.25e+01\n";
    run r;
    run_init(&r);
    r.opts.macs = 1e9;
    const frm_record *rec = import_ok(&r, "sci.log", log);

    assert_same(rec->latency_ms.median, 11.95);
    assert_same(rec->latency_ms.mean, 12);
    assert_same(rec->latency_ms.min, 11.5);
    assert_same(rec->latency_ms.max, 13);
    assert_same(rec->latency_ms.stdev, 0.3);
    assert_same(rec->latency_ms.p95, 12.5);
    assert_same(rec->latency_ms.n, 1000);
    assert_same(rec->latency_ms.warmup, 2);
    assert_same(rec->latency_ms.init_ms, 3.5);
    assert_same(rec->latency_ms.first_run, 14);
    assert_same(rec->memory_mb.peak, 42.5);
    assert_same(rec->memory_mb.rss_after_load, 15);
    run_free(&r);
}

static void one_run_statistics(void **state)
{
    (void)state;
    static const char log[] =
        "INFO: Graph: [/data/local/tmp/mask_estimator.tflite]\n"
        "INFO: #threads used for CPU inference: [4]\n"
        "INFO: Running benchmark for at least 1 iterations and at least 0.5 seconds but "
        "terminate if exceeding 150 seconds.\n"
        "INFO: count=1 curr=670083 p5=670083 median=670083 p95=670083\n"
        "\n"
        "INFO: Running benchmark for at least 1 iterations and at least 0.01 seconds but "
        "terminate if exceeding 150 seconds.\n"
        "INFO: count=1 curr=654321\n";
    run r;
    run_init(&r);
    r.opts.model = "mask_estimator";
    r.opts.macs = 2e9;
    r.opts.memory_mb = 80;
    const frm_record *rec = import_ok(&r, "one.log", log);

    assert_same(rec->latency_ms.median, 654.321);
    assert_same(rec->latency_ms.mean, 654.321);
    assert_same(rec->latency_ms.min, 654.321);
    assert_same(rec->latency_ms.max, 654.321);
    /* one run has no spread */
    assert_same(rec->latency_ms.stdev, NAN);
    assert_same(rec->latency_ms.p95, NAN);
    assert_same(rec->latency_ms.n, 1);
    assert_same(rec->latency_ms.warmup, 1);
    assert_same(rec->latency_ms.first_run, 670.083);
    assert_same(rec->latency_ms.init_ms, NAN);
    assert_same(rec->memory_mb.peak, 80);
    run_free(&r);
}

static void runs_all_the_same(void **state)
{
    (void)state;
    static const char log[] =
        "Graph: [/sdcard/tiny.tflite]\n"
        "Running benchmark for at least 1 iterations and at least 0.5 seconds but terminate "
        "if exceeding 150 seconds.\n"
        "count=1 curr=9000\n"
        "Running benchmark for at least 4 iterations and at least 0 seconds but terminate "
        "if exceeding 150 seconds.\n"
        "count=4 curr=5000(all same) p5=5000 median=5000 p95=5000\n";
    run r;
    run_init(&r);
    r.opts.model = "tiny";
    r.opts.macs = 1e6;
    r.opts.memory_mb = 3;
    const frm_record *rec = import_ok(&r, "same.log", log);

    assert_same(rec->latency_ms.median, 5);
    assert_same(rec->latency_ms.mean, 5);
    assert_same(rec->latency_ms.min, 5);
    assert_same(rec->latency_ms.max, 5);
    assert_same(rec->latency_ms.stdev, 0);
    assert_same(rec->latency_ms.p95, 5);
    assert_same(rec->latency_ms.n, 4);
    assert_same(rec->latency_ms.first_run, 9);
    run_free(&r);
}

static void crlf_line_ends(void **state)
{
    (void)state;
    static char text[8192];
    size_t n = 0;
    for (const char *p = newer_log; *p; p++) {
        if (*p == '\n')
            text[n++] = '\r';
        text[n++] = *p;
        assert_true(n + 2 < sizeof text);
    }
    text[n] = '\0';
    run r;
    run_init(&r);
    r.opts.model = "resnet50";
    const frm_record *rec = import_ok(&r, "crlf.log", text);

    assert_same(rec->latency_ms.median, 118.4);
    assert_same(rec->latency_ms.first_run, 131);
    assert_same(rec->memory_mb.peak, 130.5);
    assert_contains(rec->config_json, "\"graph\":\"rn50_float.tflite\"");
    assert_string_equal(rec->config_id, "pixel6/tflite/fp32/threads-4/xnnpack");
    run_free(&r);
}

/* The Android benchmark app writes only to logcat, in either of its formats. */
static void logcat_and_glog_prefixes(void **state)
{
    (void)state;
    static const char log[] =
        "--------- beginning of main\n"
        "07-14 13:14:52.097 22838 22838 I tflite  : Log parameter values verbosely: [0]\n"
        "07-14 13:14:52.097 22838 22838 I tflite  : Num threads: [2]\n"
        "07-14 13:14:52.097 22838 22838 I tflite  : Graph: "
        "[/data/local/tmp/mobilenet_v2_1.0_224_fp16.tflite]\n"
        "07-14 13:14:52.097 22838 22838 I tflite  : #threads used for CPU inference: [2]\n"
        "07-14 13:14:52.097 22838 22838 I tflite  : Use gpu: [1]\n"
        "07-14 13:14:52.190 22838 22838 I tflite  : Initialized session in 92.318ms.\n"
        "07-14 13:14:52.218 22838 22838 I tflite  : Running benchmark for at least 1 "
        "iterations and at least 0.5 seconds but terminate if exceeding 150 seconds.\n"
        "07-14 13:14:52.859 22838 22838 I tflite  : count=3 first=35158 curr=20386 min=19462 "
        "max=35158 avg=25002 std=7000\n"
        "I/tflite  (22838): Running benchmark for at least 25 iterations and at least 1 "
        "seconds but terminate if exceeding 150 seconds.\n"
        "I/tflite  (22838): count=25 first=20000 curr=19800 min=19500 max=21000 avg=20100 "
        "std=300\n"
        "E/tflite  (22838): Inference timings in us: Init: 92318, First inference: 35158, "
        "Warmup (avg): 25002, Inference (avg): 20100\n";
    run r;
    run_init(&r);
    r.opts.model = "mobilenetv2_100";
    r.opts.memory_mb = 60;
    const frm_record *rec = import_ok(&r, "logcat.txt", log);

    assert_same(rec->latency_ms.median, 20.1);
    assert_same(rec->latency_ms.n, 25);
    assert_same(rec->latency_ms.warmup, 3);
    assert_same(rec->latency_ms.first_run, 35.158);
    assert_same(rec->latency_ms.init_ms, 92.318);
    assert_same(rec->macs, 300774272.0);
    assert_contains(rec->config_json, "\"graph\":\"mobilenet_v2_1.0_224_fp16.tflite\"");
    assert_string_equal(rec->config_id, "pixel6/tflite/fp16/threads-2/gpu");
    run_free(&r);

    /* builds that log through glog or absl */
    static const char glog[] =
        "I0423 10:15:30.100000  4242 benchmark_tflite_model.cc:700] Graph: [/sdcard/net.tflite]\n"
        "I0423 10:15:30.200000  4242 benchmark_model.cc:190] Running benchmark for at least 1 "
        "iterations and at least 0.5 seconds but terminate if exceeding 150 seconds.\n"
        "I0423 10:15:30.800000  4242 benchmark_model.cc:230] count=2 first=21000 curr=20500 "
        "min=20500 max=21000 avg=20750 std=250\n"
        "I0423 10:15:30.900000  4242 benchmark_model.cc:190] Running benchmark for at least 50 "
        "iterations and at least 1 seconds but terminate if exceeding 150 seconds.\n"
        "I0423 10:15:32.000000  4242 benchmark_model.cc:230] count=50 first=20100 curr=20000 "
        "min=19800 max=20900 avg=20200 std=200\n";
    run_init(&r);
    r.opts.model = "resnet50";
    r.opts.memory_mb = 90;
    rec = import_ok(&r, "glog.txt", glog);
    assert_same(rec->latency_ms.median, 20.2);
    assert_same(rec->latency_ms.warmup, 2);
    assert_contains(rec->config_json, "\"graph\":\"net.tflite\"");
    run_free(&r);

    static const char glog_failed[] =
        "I0423 10:15:30.100000  4242 benchmark_tflite_model.cc:700] Graph: [/sdcard/net.tflite]\n"
        "E0423 10:15:30.200000  4242 benchmark_tflite_model.cc:810] Failed to allocate tensors!\n";
    import_bad("glog-failed.txt", glog_failed, FRM_E_FIELD, "glog-failed.txt:2: ",
               "the benchmark failed: Failed to allocate tensors!");
}

/* --- Configuration --------------------------------------------------------------- */

static void config_of(const char *params, int threads_option, const char *config_id,
                      const char *delegate)
{
    char text[4096], want[64];
    run r;
    run_init(&r);
    r.opts.model = "resnet50";
    r.opts.threads = threads_option;
    const frm_record *rec =
        import_ok(&r, "delegate.log", with_params(text, sizeof text, "/sdcard/net.tflite", params));
    assert_string_equal(rec->config_id, config_id);
    snprintf(want, sizeof want, "\"delegate\":\"%s\"", delegate);
    assert_contains(rec->config_json, want);
    assert_same(rec->latency_ms.median, 20.2);
    assert_same(rec->memory_mb.peak, 25);
    run_free(&r);
}

static void threads_and_delegates(void **state)
{
    (void)state;
    config_of("", 0, "pixel6/tflite/fp32/cpu", "cpu");
    config_of("INFO: Num threads: [1]\n", 0, "pixel6/tflite/fp32/threads-1/cpu", "cpu");
    /* -1 leaves the count to TensorFlow Lite */
    config_of("INFO: Num threads: [-1]\n", 0, "pixel6/tflite/fp32/cpu", "cpu");
    config_of("INFO: #threads used for CPU inference: [4]\n", 8,
              "pixel6/tflite/fp32/threads-8/cpu", "cpu");
    config_of("INFO: Use xnnpack: [0]\n", 0, "pixel6/tflite/fp32/cpu", "cpu");
    config_of("INFO: Use xnnpack: [1]\nINFO: Use gpu: [1]\n", 0, "pixel6/tflite/fp32/gpu", "gpu");
    config_of("INFO: Use Hexagon: [1]\nINFO: Hexagon lib path: [/data/local/tmp]\n", 0,
              "pixel6/tflite/fp32/hexagon", "hexagon");
    config_of("INFO: Use NNAPI: [1]\nINFO: NNAPI accelerator name: [qti-dsp]\n", 0,
              "pixel6/tflite/fp32/nnapi", "nnapi");
    config_of("INFO: External delegate path: [/data/local/tmp/libQnnTFLiteDelegate.so]\n", 0,
              "pixel6/tflite/fp32/external", "external");
    config_of("INFO: External delegate path: []\n", 0, "pixel6/tflite/fp32/cpu", "cpu");
    config_of("Use gpu : [true]\n", 0, "pixel6/tflite/fp32/gpu", "gpu");
}

static void precision_of(const char *graph, const char *precision)
{
    char text[4096], want[64];
    run r;
    run_init(&r);
    r.opts.model = "resnet50";
    r.opts.tier = FRM_TIER_CPU;
    const frm_record *rec =
        import_ok(&r, "precision.log", with_params(text, sizeof text, graph, ""));
    snprintf(want, sizeof want, "\"precision\":\"%s\"", precision);
    assert_contains(rec->config_json, want);
    assert_int_equal(rec->tier, FRM_TIER_CPU);
    assert_int_equal(r.diags.n, 1);
    assert_contains(r.diags.message[0], "guessed from the graph's file name");
    run_free(&r);
}

static void precision_from_the_file_name(void **state)
{
    (void)state;
    precision_of("/sdcard/yolov5s_int8_640.tflite", "int8");
    precision_of("/sdcard/MobileNet_V1_QUANT.tflite", "int8");
    precision_of("/sdcard/net_fp16.tflite", "fp16");
    precision_of("/sdcard/net_float16.tflite", "fp16");
    precision_of("/sdcard/net.tflite", "fp32");

    /* --precision wins, and nothing is guessed */
    char text[4096];
    run r;
    run_init(&r);
    r.opts.model = "resnet50";
    r.opts.tier = FRM_TIER_EDGE;
    r.opts.precision = "fp16";
    const frm_record *rec = import_ok(
        &r, "given.log", with_params(text, sizeof text, "/sdcard/net_int8.tflite", ""));
    assert_contains(rec->config_json, "\"precision\":\"fp16\"");
    assert_string_equal(rec->config_id, "pixel6/tflite/fp16/cpu");
    assert_int_equal(r.diags.n, 0);
    run_free(&r);
}

static void tier_and_batch_from_the_options(void **state)
{
    (void)state;
    char text[4096];
    run r;
    run_init(&r);
    r.opts.model = "resnet50";
    r.opts.tier = FRM_TIER_GPU;
    r.opts.precision = "fp32";
    r.opts.batch = 8;
    const frm_record *rec =
        import_ok(&r, "tier.log", with_params(text, sizeof text, "/sdcard/net.tflite", ""));
    assert_int_equal(rec->tier, FRM_TIER_GPU);
    assert_same(rec->batch, 8);
    assert_contains(rec->config_json, "\"batch\":8");
    assert_int_equal(r.diags.n, 0);
    run_free(&r);
}

/* Names go through the built-in alias table. */
static void model_names_from_the_graph(void **state)
{
    (void)state;
    char text[4096];
    run r;
    run_init(&r);
    const frm_record *rec = import_ok(
        &r, "alias.log",
        with_params(text, sizeof text, "/data/local/tmp/mobilenet_v2_1.0_224.tflite", ""));
    assert_string_equal(rec->model, "mobilenetv2_100");
    assert_same(rec->macs, 300774272.0);
    assert_same(rec->params, 3504872.0);
    assert_contains(rec->config_json, "\"graph\":\"mobilenet_v2_1.0_224.tflite\"");
    run_free(&r);

    run_init(&r);
    rec = import_ok(&r, "plain.log",
                    with_params(text, sizeof text, "/sdcard/models/efficientnet_b0.tflite", ""));
    assert_string_equal(rec->model, "efficientnet_b0");
    assert_same(rec->macs, 385814752.0);
    run_free(&r);
}

/* --- Logs that are not whole ------------------------------------------------------ */

static const char crash_log[] =
    "STARTING!\n"
    "Log parameter values verbosely: [0]\n"
    "Num threads: [4]\n"
    "Graph: [/data/local/tmp/yolov5s_int8_640.tflite]\n"
    "#threads used for CPU inference: [4]\n"
    "Use NNAPI: [1]\n"
    "NNAPI accelerator name: [qti-default]\n"
    "Loaded model /data/local/tmp/yolov5s_int8_640.tflite\n"
    "INFO: Initialized TensorFlow Lite runtime.\n"
    "INFO: Created TensorFlow Lite delegate for NNAPI.\n"
    "ERROR: NN API returned error ANEURALNETWORKS_OP_FAILED at line 3779 while completing "
    "NNAPI compilation.\n"                                                      /* 11 */
    "\n"
    "ERROR: Node number 248 (TfLiteNnapiDelegate) failed to prepare.\n"
    "\n"
    "ERROR: Restored original execution plan after delegate application failure.\n"
    "Failed to apply NNAPI delegate.\n"
    "Benchmarking failed.\n";

static void a_failed_run(void **state)
{
    (void)state;
    import_bad("crash.log", crash_log, FRM_E_FIELD, "crash.log:11: ",
               "the benchmark failed: NN API returned error");

    static const char killed[] =
        "INFO: STARTING!\n"
        "INFO: Graph: [/data/local/tmp/net.tflite]\n"
        "INFO: Loaded model /data/local/tmp/net.tflite\n"
        "INFO: Initialized session in 12.5ms.\n"
        "INFO: Running benchmark for at least 1 iterations and at least 0.5 seconds but "
        "terminate if exceeding 150 seconds.\n";
    import_bad("killed.log", killed, FRM_E_FIELD, "killed.log:5: ", "no timing statistics");

    /* statistics, and then the tool said it failed */
    char text[8192];
    import_bad("late.log",
               edited(text, sizeof text, newer_log, "1 nodes observed\n",
                      "1 nodes observed\nERROR: Benchmarking failed.\n"),
               FRM_E_FIELD, "late.log:38: ", "failed after the statistics of line 20");
}

static void skip_bad_reports_and_goes_on(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    r.opts.model = "resnet50";
    r.opts.skip_bad = true;
    assert_int_equal(run_log(&r, "crash-skip.log", crash_log), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 0);
    assert_int_equal(frmi_importer_n_skipped(r.im), 1);
    assert_int_equal(r.diags.n, 1);
    assert_contains(r.diags.message[0], "crash-skip.log:11: no timing statistics");
    run_free(&r);
}

static void truncated_logs(void **state)
{
    (void)state;
    char text[8192];
    /* in the middle of the timed statistics */
    import_bad("cut-stats.log", cut_after(text, sizeof text, newer_log, "min=116900 ma"),
               FRM_E_FIELD, "cut-stats.log:20: ", "no 'avg='");
    /* after the warm-up: its statistics are not the timed run's */
    import_bad("cut-warmup.log", cut_after(text, sizeof text, newer_log, "exceeding 150 seconds.\n"
                                           "INFO: count=5"),
               FRM_E_FIELD, "cut-warmup.log:17: ", "only the warm-up's statistics");
    import_bad("cut-header.log",
               cut_after(text, sizeof text, newer_log, "p95=130000\n\nINFO: Running benchmark"),
               FRM_E_FIELD, "cut-header.log:17: ", "the timed run's are missing");
    /* the tool crashed: the shell's words name the cause and its line, not an earlier one */
    char crashed[8192];
    snprintf(crashed, sizeof crashed, "%sSegmentation fault (core dumped)\n",
             cut_after(text, sizeof text, newer_log, "exceeding 150 seconds.\n"));
    import_bad("crashed.log", crashed, FRM_E_FIELD, "crashed.log:17: ",
               "the benchmark failed: Segmentation fault (core dumped)");
    /* right after "avg=": column 67 is where the number should be */
    import_bad("cut-avg.log", cut_after(text, sizeof text, newer_log, "max=125300 avg="),
               FRM_E_SYNTAX, "cut-avg.log:20:67: ", "'avg=' wants a number of microseconds");
}

/* Every prefix of a log, in a buffer of exactly its length, without a NUL. */
static void every_prefix_of_a_log(void **state)
{
    (void)state;
    run r;
    run_init(&r);
    r.opts.model = "resnet50";
    r.opts.tier = FRM_TIER_EDGE;
    r.opts.precision = "fp32";
    assert_int_equal(frmi_importer_new(&r.opts, NULL, NULL, &r.im, &r.err), FRM_OK);
    size_t len = strlen(newer_log), made = 0;
    for (size_t k = 0; k <= len; k++) {
        char *copy = malloc(k ? k : 1);
        assert_non_null(copy);
        memcpy(copy, newer_log, k);
        frm_code rc = frmi_import_tflite(r.im, "cut.log", copy, k, &r.err);
        free(copy);
        assert_true(rc == FRM_OK || rc == FRM_E_FIELD || rc == FRM_E_SYNTAX);
        made += rc == FRM_OK;
    }
    assert_true(made > 0);
    assert_int_equal(frmi_importer_count(r.im), made);
    const frm_record *whole = frmi_importer_record(r.im, made - 1);
    assert_same(whole->latency_ms.median, 118.4);
    assert_same(whole->memory_mb.peak, 130.5);
    run_free(&r);
}

static void bad_numbers(void **state)
{
    (void)state;
    char text[8192];
    import_bad("bad-avg.log", edited(text, sizeof text, newer_log, "avg=118850", "avg=118x50"),
               FRM_E_SYNTAX, "bad-avg.log:20:67: ", "found '118x50'");
    import_bad("bad-count.log", edited(text, sizeof text, newer_log, "count=50 ", "count=5.5 "),
               FRM_E_SYNTAX, "bad-count.log:20:13: ", "'count=' wants a whole number");
    import_bad("bad-init.log", edited(text, sizeof text, newer_log, "Init: 35212", "Init: n/a"),
               FRM_E_SYNTAX, "bad-init.log:22:38: ", "'Init:' wants a number");
    import_bad("bad-peak.log", edited(text, sizeof text, newer_log, "monitoring: 130.5",
                                      "monitoring: lots"),
               FRM_E_SYNTAX, "bad-peak.log:25:", "found 'lots'");
    import_bad("bad-threads.log", edited(text, sizeof text, older_log, "Num threads: [2]",
                                         "Num threads: [four]"),
               FRM_E_SYNTAX, "bad-threads.log:6:15: ", "found 'four'");
    import_bad("bad-flag.log", edited(text, sizeof text, older_log, "Use gpu : [0]",
                                      "Use gpu : [maybe]"),
               FRM_E_SYNTAX, "bad-flag.log:16:12: ", "expected 0 or 1");

    /* --dry_run times nothing */
    static const char dry[] =
        "INFO: Graph: [/sdcard/net.tflite]\n"
        "INFO: Running benchmark for at least 0 iterations and at least -1 seconds but "
        "terminate if exceeding 150 seconds.\n"
        "INFO: count=0\n"
        "INFO: Running benchmark for at least 0 iterations and at least -1 seconds but "
        "terminate if exceeding 150 seconds.\n"
        "INFO: count=0\n";
    import_bad("dry.log", dry, FRM_E_FIELD, "dry.log:5:13: ", "no iterations");
}

static void not_a_log(void **state)
{
    (void)state;
    import_bad("empty.log", "", FRM_E_SYNTAX, "empty.log:1: ", "empty");
    import_bad("blank.log", "\n\r\n  \n", FRM_E_SYNTAX, "blank.log:1: ", "empty");
    import_bad("table.csv", "model,latency_ms\nresnet50,12.5\n", FRM_E_SYNTAX, "table.csv:1: ",
               "not a log of TensorFlow Lite's benchmark_model");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(newer_log_with_percentiles),
        cmocka_unit_test(older_log_wording),
        cmocka_unit_test(oldest_log_with_a_one_run_warmup),
        cmocka_unit_test(middle_log_and_init_zero),
        cmocka_unit_test(scientific_notation),
        cmocka_unit_test(one_run_statistics),
        cmocka_unit_test(runs_all_the_same),
        cmocka_unit_test(crlf_line_ends),
        cmocka_unit_test(logcat_and_glog_prefixes),
        cmocka_unit_test(threads_and_delegates),
        cmocka_unit_test(precision_from_the_file_name),
        cmocka_unit_test(tier_and_batch_from_the_options),
        cmocka_unit_test(model_names_from_the_graph),
        cmocka_unit_test(a_failed_run),
        cmocka_unit_test(skip_bad_reports_and_goes_on),
        cmocka_unit_test(truncated_logs),
        cmocka_unit_test(every_prefix_of_a_log),
        cmocka_unit_test(bad_numbers),
        cmocka_unit_test(not_a_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
