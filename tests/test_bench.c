/*
 * tests/test_bench.c - measuring in process (frm_bench_measure on ONNX
 * Runtime), configuration names, accuracy tables, records and the worker
 * line protocol.
 */
#include "testutil_onnx.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/worker.h"

/* y = Relu(x @ W), x [N, 256], W [256, 256]: written once. */
static const char *small_model(void)
{
    static const char *path;
    if (!path)
        path = tu_matmul_relu_model("small", 256);
    return path;
}

static frm_bench_options quick_options(void)
{
    frm_bench_options o = FRM_BENCH_OPTIONS_INIT;
    o.warmup = 2;
    o.runs = 15;
    o.threads = 1;
    o.energy = 0;
    return o;
}

static void assert_ordered_latency(const frm_latency *l)
{
    assert_true(l->min > 0);
    assert_true(l->min <= l->ci95_lo && l->ci95_lo <= l->median);
    assert_true(l->median <= l->ci95_hi && l->ci95_hi <= l->max);
    assert_true(l->median <= l->p90 && l->p90 <= l->p95 && l->p95 <= l->p99 && l->p99 <= l->max);
    assert_true(l->min <= l->mean && l->mean <= l->max);
    assert_true(l->stdev >= 0);
    assert_true(l->first_run > 0);
    assert_true(l->init_ms > 0);
}

static void test_measure_fixed_runs(void **state)
{
    (void)state;
    frm_bench_options o = quick_options();
    o.batch = 3;
    frm_measurement m;
    frm_error err;
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_OK);
    assert_string_equal(m.framework, "onnxruntime");
    assert_string_equal(m.provider, "cpu");
    assert_int_equal(m.threads, 1);
    assert_int_equal(m.stop, FRM_STOP_RUNS);
    assert_same(m.latency_ms.n, 15);
    assert_same(m.latency_ms.warmup, 2);
    assert_ordered_latency(&m.latency_ms);
    /* the symbolic dim took the batch */
    assert_int_equal(m.n_inputs, 1);
    assert_string_equal(m.inputs[0].name, "x");
    assert_int_equal(m.inputs[0].rank, 2);
    assert_int_equal(m.inputs[0].dims[0], 3);
    assert_int_equal(m.inputs[0].dims[1], 256);
    assert_int_equal(m.inputs[0].elem_type, T_FLOAT);
    /* The 256 KB of weights are resident after the session exists. */
    assert_true(m.rss_after_load > 0.2);
    assert_true(m.peak >= m.rss_after_load);
    assert_true(m.hwm >= m.rss_before + m.peak - 1e-9);
    assert_true(isnan(m.energy_mj));
}

static void test_input_override(void **state)
{
    (void)state;
    frm_bench_options o = quick_options();
    frm_input_shape shape;
    frm_error err;
    assert_int_equal(frm_input_shape_parse("x=5x256", &shape, &err), FRM_OK);
    o.inputs = &shape;
    o.n_inputs = 1;
    frm_measurement m;
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_OK);
    assert_int_equal(m.inputs[0].dims[0], 5);

    assert_int_equal(frm_input_shape_parse("nope=5x256", &shape, &err), FRM_OK);
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "'nope'");
    assert_contains(err.message, "'x'");

    assert_int_equal(frm_input_shape_parse("x=5x256x1", &shape, &err), FRM_OK);
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "rank 3");
}

static void nap_progress(void *ctx, int done, int total)
{
    (void)ctx;
    (void)done;
    (void)total;
    struct timespec nap = {0, 10 * 1000 * 1000};
    nanosleep(&nap, NULL);
}

static void test_adaptive_stops(void **state)
{
    (void)state;
    frm_bench_options o = quick_options();
    frm_measurement m;
    frm_error err;

    /* A half-width within 90% of the median: met as soon as allowed. */
    o.target_ci = 0.9;
    o.min_runs = 20;
    o.max_runs = 500;
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_OK);
    assert_int_equal(m.stop, FRM_STOP_TARGET_CI);
    assert_same(m.latency_ms.n, 20);

    /* An unreachable target: the run bound ends it. */
    o.target_ci = 1e-9;
    o.min_runs = 5;
    o.max_runs = 12;
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_OK);
    assert_int_equal(m.stop, FRM_STOP_MAX_RUNS);
    assert_same(m.latency_ms.n, 12);

    /* ... or the time bound.  The progress callback sleeps 10 ms after each
     * run, so 30 ms have passed by the fifth, where the interval of five
     * runs cannot be exact yet: only the time bound can stop it there. */
    o.min_runs = 5;
    o.max_runs = 1000000;
    o.max_time_s = 0.03;
    o.progress = nap_progress;
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_OK);
    assert_int_equal(m.stop, FRM_STOP_MAX_TIME);
    assert_same(m.latency_ms.n, 5);
}

static int progress_calls, progress_last_total;

static void count_progress(void *ctx, int done, int total)
{
    (void)ctx;
    progress_calls++;
    assert_int_equal(done, progress_calls);
    progress_last_total = total;
}

static void test_progress_and_abandon(void **state)
{
    (void)state;
    frm_bench_options o = quick_options();
    o.progress = count_progress;
    frm_measurement m;
    frm_error err;
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_OK);
    assert_int_equal(progress_calls, 15);
    assert_int_equal(progress_last_total, 15);

    volatile sig_atomic_t stop = 1;
    o.progress = NULL;
    o.abandon = &stop;
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_E_INTERRUPTED);
}

static void test_measure_errors(void **state)
{
    (void)state;
    frm_bench_options o = quick_options();
    frm_measurement m;
    frm_error err;

    o.provider = "tpu";
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "'tpu'");

    /* The npm build of ONNX Runtime has the CPU provider only. */
    if (!tu_runtime_offers("CUDAExecutionProvider")) {
        o.provider = "cuda";
        assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_E_ARGUMENT);
        assert_contains(err.message, "no CUDA execution provider");
    }

    o = quick_options();
    const char *missing = tu_path("missing.onnx");
    assert_int_equal(frm_bench_measure(missing, &o, &m, &err), FRM_E_RUNTIME);
    assert_contains(err.message, missing);

    const char *garbage = tu_write("garbage.onnx", "this is not a model");
    assert_int_equal(frm_bench_measure(garbage, &o, &m, &err), FRM_E_RUNTIME);
    assert_contains(err.message, "garbage.onnx");

    o.runs = 0;
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_E_ARGUMENT);
    o = quick_options();
    o.target_ci = 0.01;
    o.min_runs = 50;
    o.max_runs = 10;
    assert_int_equal(frm_bench_measure(small_model(), &o, &m, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "min runs");
}

static void test_device_slug(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", "intel-xeon-e5-2680-v4-2-40ghz"},
        {"Intel(R) Xeon(R) CPU @ 2.20GHz", "intel-xeon-2-20ghz"},
        {"Intel(R) Core(TM) i7-8700K CPU @ 3.70GHz", "intel-core-i7-8700k-3-70ghz"},
        {"AMD Ryzen 9 5950X 16-Core Processor", "amd-ryzen-9-5950x-16-core"},
        {"AMD Ryzen 7 5800H with Radeon Graphics", "amd-ryzen-7-5800h"},
        {"NVIDIA GeForce RTX 4090", "nvidia-geforce-rtx-4090"},
        {"  Raspberry Pi 4 Model B Rev 1.4 ", "raspberry-pi-4-model-b-rev-1-4"},
        {"(R)(TM) @", "unknown"},
        {"", "unknown"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        frm_device_slug(cases[i][0], out, sizeof out);
        assert_string_equal(out, cases[i][1]);
    }
    char tiny[8];
    frm_device_slug("NVIDIA GeForce RTX 4090", tiny, sizeof tiny);
    assert_string_equal(tiny, "nvidia");
}

static void test_config_id(void **state)
{
    (void)state;
    frm_config_desc d = {"intel-xeon-2-20ghz", "onnxruntime", "1.29.0", "cpu", 2, "all", "fp32", 1};
    char id[256];
    frm_error err;
    assert_int_equal(frm_config_id(&d, id, sizeof id, &err), FRM_OK);
    assert_string_equal(id, "intel-xeon-2-20ghz/onnxruntime-1.29.0/cpu/threads-2/opt-all/fp32/batch-1");
    d.threads = 0;
    assert_int_equal(frm_config_id(&d, id, sizeof id, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "threads");
    d.threads = 1;
    d.precision = "";
    assert_int_equal(frm_config_id(&d, id, sizeof id, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "precision");
    d.precision = "fp16";
    assert_int_equal(frm_config_id(&d, id, 20, &err), FRM_E_ARGUMENT);

    frm_graph_opt level;
    assert_int_equal(frm_graph_opt_parse("extended", &level, &err), FRM_OK);
    assert_int_equal(level, FRM_GRAPH_OPT_EXTENDED);
    assert_int_equal(frm_graph_opt_parse("max", &level, &err), FRM_E_ARGUMENT);
    assert_contains(err.message, "'max'");
    assert_string_equal(frm_stop_name(FRM_STOP_TARGET_CI), "target-ci");

    /* 0 threads is every online core, as getconf counts them */
    assert_int_equal(frm_threads_resolved(3), 3);
    FILE *p = popen("getconf _NPROCESSORS_ONLN", "r");
    int cores = 0;
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &cores), 1);
    pclose(p);
    assert_int_equal(frm_threads_resolved(0), cores);
}

static void test_accuracy_tables(void **state)
{
    (void)state;
    frm_accuracy *acc;
    frm_error err;
    assert_int_equal(frm_accuracy_load(tu_write("frac.csv", "model,top1\nresnet50,0.7613\n\"a,b\",0.5\n"),
                                       &acc, &err), FRM_OK);
    assert_false(frm_accuracy_is_percent(acc));
    assert_close(frm_accuracy_top1(acc, "resnet50"), 0.7613, 1e-15);
    assert_close(frm_accuracy_top1(acc, "a,b"), 0.5, 1e-15);
    assert_true(isnan(frm_accuracy_top1(acc, "vgg16")));
    frm_accuracy_free(acc);

    /* No header, percentages, columns in another order with a header. */
    assert_int_equal(frm_accuracy_load(tu_write("pct.csv", "resnet50, 76.13\r\nsqueezenet1_1,58.178\n"),
                                       &acc, &err), FRM_OK);
    assert_true(frm_accuracy_is_percent(acc));
    assert_close(frm_accuracy_top1(acc, "squeezenet1_1"), 0.58178, 1e-15);
    frm_accuracy_free(acc);
    assert_int_equal(frm_accuracy_load(tu_write("cols.csv", "top1,params,model\n0.5,3,m\n"), &acc, &err), FRM_OK);
    assert_close(frm_accuracy_top1(acc, "m"), 0.5, 1e-15);
    frm_accuracy_free(acc);

    static const char *const bad[][2] = {
        {"model,top1\nresnet50,0.76\nvit,81.2\n", "bad1.csv:2: top1 0.76 looks like a fraction, but line 3"},
        {"model,top1\nresnet50,0.76\nresnet50,0.77\n", "bad2.csv:3: model 'resnet50' is listed twice (first on line 2)"},
        {"model,top1\nresnet50,high\n", "bad3.csv:2: top1 'high' is not a number"},
        {"name,top1\nresnet50,0.7\n", "bad4.csv:1: the header has no 'model' column"},
        {"model,top1\nresnet50\n", "bad5.csv:2: 1 columns, expected at least 2"},
        {"model,top1\nresnet50,140\n", "bad6.csv:2: top1 140 is outside"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char name[16];
        snprintf(name, sizeof name, "bad%zu.csv", i + 1);
        acc = (frm_accuracy *)1;
        assert_int_equal(frm_accuracy_load(tu_write(name, bad[i][0]), &acc, &err), FRM_E_FIELD);
        assert_null(acc);
        assert_contains(err.message, bad[i][1]);
    }
    assert_int_equal(frm_accuracy_load(tu_path("none.csv"), &acc, &err), FRM_E_IO);
    assert_contains(err.message, "none.csv");
}

/* A measurement with every field set, as a worker would send it. */
static frm_measurement sample_measurement(void)
{
    frm_measurement m;
    memset(&m, 0, sizeof m);
    snprintf(m.framework, sizeof m.framework, "onnxruntime");
    snprintf(m.framework_version, sizeof m.framework_version, "1.29.0");
    snprintf(m.provider, sizeof m.provider, "cpu");
    m.threads = 2;
    m.graph_opt = FRM_GRAPH_OPT_BASIC;
    m.n_inputs = 1;
    snprintf(m.inputs[0].name, sizeof m.inputs[0].name, "input");
    m.inputs[0].elem_type = 1;
    m.inputs[0].rank = 4;
    memcpy(m.inputs[0].dims, (int64_t[]){1, 3, 224, 224}, 4 * sizeof(int64_t));
    m.latency_ms = (frm_latency){.median = 12.5, .mean = 12.75, .stdev = 0.1 + 0.2, .min = 11.0,
                                 .max = 19.0, .p90 = 13.0, .p95 = 14.0, .p99 = 18.5, .n = 100,
                                 .warmup = 10, .ci95_lo = 12.25, .ci95_hi = 12.625,
                                 .first_run = 40.0, .init_ms = 123.456, .target_ci = NAN};
    m.stop = FRM_STOP_TARGET_CI;
    m.rss_before = 30.5;
    m.rss_after_load = 110.25;
    m.hwm = 150.75;
    m.peak = 120.25;
    m.energy_mj = NAN;
    snprintf(m.energy_note, sizeof m.energy_note, "no RAPL energy counters");
    return m;
}

static void test_wire_round_trip(void **state)
{
    (void)state;
    frm_measurement m = sample_measurement(), back;
    frmi_buf line;
    frmi_buf_init(&line);
    frmi_measurement_to_json(&line, &m);
    assert_false(line.failed);
    assert_null(strchr(line.data, '\n'));
    frm_error err;
    assert_int_equal(frmi_measurement_from_json(line.data, &back, &err), FRM_OK);
    frmi_buf_release(&line);
    assert_string_equal(back.framework_version, "1.29.0");
    assert_int_equal(back.threads, 2);
    assert_int_equal(back.graph_opt, FRM_GRAPH_OPT_BASIC);
    assert_int_equal(back.stop, FRM_STOP_TARGET_CI);
    assert_int_equal(back.inputs[0].dims[3], 224);
    /* shortest round-trip numbers: 0.1 + 0.2 comes back bit for bit */
    assert_same(back.latency_ms.stdev, 0.1 + 0.2);
    assert_same(back.latency_ms.init_ms, 123.456);
    assert_same(back.latency_ms.ci95_hi, 12.625);
    assert_same(back.peak, 120.25);
    assert_true(isnan(back.energy_mj));
    assert_string_equal(back.energy_note, "no RAPL energy counters");

    assert_int_equal(frmi_measurement_from_json("{\"framework\":\"onnxruntime\"}", &back, &err),
                     FRM_E_RUNTIME);
    assert_contains(err.message, "incomplete");
    assert_int_equal(frmi_measurement_from_json("[1,", &back, &err), FRM_E_RUNTIME);
}

static void test_record_of_an_outcome(void **state)
{
    (void)state;
    frm_measurement m = sample_measurement();
    frm_profile *p = tu_profile_file(small_model(), NULL);
    frm_host host;
    frm_host_probe(&host);
    frm_bench_options opt = FRM_BENCH_OPTIONS_INIT;
    opt.graph_opt = FRM_GRAPH_OPT_BASIC;
    opt.target_ci = 0.02;
    frm_bench_outcome o = {
        .model = "small", .model_sha256 = "ab", .profile = p, .m = &m, .opt = &opt,
        .device = "test-box", .host = &host, .accuracy_top1 = 0.5,
    };
    const char *path = tu_path("records.jsonl");
    FILE *f = fopen(path, "w");
    frm_error err;
    assert_int_equal(frm_bench_record_append(f, &o, &err), FRM_OK);
    o.m = NULL;
    o.error = "the worker process was killed by signal 6 (Aborted)";
    o.framework_version = "1.29.0";
    o.model = "broken";
    assert_int_equal(frm_bench_record_append(f, &o, &err), FRM_OK);
    fclose(f);

    frm_reader *r;
    const frm_record *rec;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_true(rec->ok);
    assert_string_equal(rec->model, "small");
    assert_string_equal(rec->device, "test-box");
    assert_int_equal(rec->tier, FRM_TIER_CPU);
    assert_string_equal(rec->config_id, "test-box/onnxruntime-1.29.0/cpu/threads-2/opt-basic/fp32/batch-1");
    assert_same(rec->latency_ms.median, 12.5);
    assert_same(rec->latency_ms.ci95_lo, 12.25);
    assert_same(rec->latency_ms.target_ci, 0.02);
    assert_string_equal(rec->latency_ms.stop, "target-ci");
    assert_same(rec->memory_mb.peak, 120.25);
    assert_same(rec->memory_mb.rss_after_load, 110.25);
    assert_string_equal(rec->memory_mb.source, "measured");
    /* counts from the profile: 256 * 256 MACs, 262144 weight bytes */
    assert_same(rec->macs, 65536);
    assert_same(rec->params, 65536);
    assert_same(rec->weights_bytes, 262144);
    assert_same(rec->memory_mb.weights, 0.262144);
    assert_same(rec->accuracy_top1, 0.5);
    assert_true(isnan(rec->energy_mj));
    assert_null(rec->energy_source);
    assert_string_equal(rec->source, "frm-bench");
    assert_contains(rec->config_json, "\"inputs\":{\"input\":[1,3,224,224]}");
    assert_contains(rec->host_json, "\"logical_cores\":");
    assert_int_equal(strlen(rec->timestamp), 20);

    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_false(rec->ok);
    assert_string_equal(rec->model, "broken");
    assert_contains(rec->error, "signal 6");
    assert_same(rec->macs, 65536);
    /* without a measurement, threads 0 means every core and the shape is the profile's */
    assert_contains(rec->config_json, "\"inputs\":{\"x\":[1,256]}");
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_null(rec);
    frm_reader_close(r);
    frm_profile_free(p);

    o.device = NULL;
    assert_int_equal(frm_bench_record_append(stdout, &o, &err), FRM_E_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measure_fixed_runs),
        cmocka_unit_test(test_input_override),
        cmocka_unit_test(test_adaptive_stops),
        cmocka_unit_test(test_progress_and_abandon),
        cmocka_unit_test(test_measure_errors),
        cmocka_unit_test(test_device_slug),
        cmocka_unit_test(test_config_id),
        cmocka_unit_test(test_accuracy_tables),
        cmocka_unit_test(test_wire_round_trip),
        cmocka_unit_test(test_record_of_an_outcome),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
