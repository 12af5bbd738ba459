/*
 * tests/test_bench_cli.c - `frm bench` and `frm run` as a user runs them:
 * isolated workers, faults that cost one model only, records that load.
 */
#include "testutil_onnx.h"

#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

static const char *tiny_model(const char *name)
{
    return tu_matmul_relu_model(name, 128);
}

/* Every line of `path` read back as a record; returns how many. */
static int read_records(const char *path, char **models, int max)
{
    frm_reader *r;
    frm_error err;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    const frm_record *rec;
    int n = 0;
    frm_code rc;
    while ((rc = frm_reader_next(r, &rec, &err)) == FRM_OK && rec) {
        assert_true(n < max);
        models[n++] = strdup(rec->model);
    }
    assert_int_equal(rc, FRM_OK);
    frm_reader_close(r);
    return n;
}

/* The record of `model` in the JSON Lines file, parsed by jansson. */
static json_t *record_of(const char *path, const char *model)
{
    char *text = tu_read(path);
    assert_non_null(text);
    json_t *found = NULL;
    for (char *line = strtok(text, "\n"); line && !found; line = strtok(NULL, "\n")) {
        json_error_t jerr;
        json_t *obj = json_loads(line, 0, &jerr);
        assert_non_null(obj);
        if (strcmp(json_string_value(json_object_get(obj, "model")), model) == 0)
            found = obj;
        else
            json_decref(obj);
    }
    free(text);
    assert_non_null(found);
    return found;
}

static double number_at(json_t *obj, const char *a, const char *b)
{
    json_t *v = json_object_get(obj, a);
    if (b)
        v = json_object_get(v, b);
    assert_true(json_is_number(v));
    return json_number_value(v);
}

static void test_records_carry_every_field(void **state)
{
    (void)state;
    const char *a = tiny_model("alpha");
    const char *b = tiny_model("beta");
    const char *acc = tu_write("acc.csv", "model,top1\nalpha,71.5\nbeta,80\n");
    const char *out = tu_path("fields.jsonl");
    tu_run r = tu_frm(NULL, NULL, "bench", "--warmup", "2", "--runs", "12", "--threads", "1",
                      "--batch", "2", "--device", "Test Box", "--tier", "edge", "--accuracy", acc,
                      "-o", out, a, b, NULL);
    assert_int_equal(r.status, 0);
    /* with -o the summary goes to standard output */
    assert_contains(r.out, "median ms");
    assert_contains(r.out, "alpha");
    tu_run_free(&r);

    char *text = tu_read(out);
    assert_contains(text, "\"n\":12,\"warmup\":2,");   /* counts as integers */
    free(text);
    json_t *rec = record_of(out, "alpha");
    assert_string_equal(json_string_value(json_object_get(rec, "status")), "ok");
    assert_string_equal(json_string_value(json_object_get(rec, "device")), "Test Box");
    assert_string_equal(json_string_value(json_object_get(rec, "tier")), "edge");
    assert_string_equal(json_string_value(json_object_get(rec, "framework")), "onnxruntime");
    assert_string_equal(json_string_value(json_object_get(rec, "framework_version")), "1.29.0");
    assert_string_equal(json_string_value(json_object_get(rec, "config_id")),
                        "Test Box/onnxruntime-1.29.0/cpu/threads-1/opt-all/fp32/batch-2");
    assert_int_equal(strlen(json_string_value(json_object_get(rec, "model_sha256"))), 64);
    json_t *lat = json_object_get(rec, "latency_ms");
    static const char *const lat_fields[] = {"median", "mean", "stdev", "min", "max", "p90", "p95",
                                             "p99", "first_run", "init_ms"};
    for (size_t i = 0; i < sizeof lat_fields / sizeof lat_fields[0]; i++)
        assert_true(number_at(rec, "latency_ms", lat_fields[i]) >= 0);
    assert_same(number_at(rec, "latency_ms", "n"), 12);
    assert_same(number_at(rec, "latency_ms", "warmup"), 2);
    assert_int_equal(json_array_size(json_object_get(lat, "ci95_median")), 2);
    assert_string_equal(json_string_value(json_object_get(lat, "stop")), "runs");
    assert_true(number_at(rec, "memory_mb", "peak") > 0);
    assert_true(number_at(rec, "memory_mb", "rss_after_load") >= 0);
    assert_same(number_at(rec, "memory_mb", "weights"), 0.065536);
    assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "memory_mb"), "source")),
                        "measured");
    assert_true(json_object_get(rec, "energy_mj") != NULL);
    /* per sample, though each call ran two: 128 * 128 MACs */
    assert_same(number_at(rec, "macs", NULL), 16384);
    assert_same(number_at(rec, "params", NULL), 16384);
    assert_same(number_at(rec, "accuracy_top1", NULL), 0.715);
    assert_same(number_at(json_object_get(rec, "config"), "batch", NULL), 2);
    assert_same(number_at(json_object_get(rec, "config"), "threads", NULL), 1);
    assert_true(json_is_string(json_object_get(json_object_get(rec, "host"), "cpu_model")));
    assert_string_equal(json_string_value(json_object_get(rec, "source")), "frm-bench");
    json_decref(rec);

    /* the records load: frm score ranks them against one another */
    r = tu_frm(NULL, NULL, "score", "--baseline", "alpha", out, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "beta");
    tu_run_free(&r);
}

/*
 * A worker that aborts, one that exits without a result, one that hangs
 * past --timeout: each gets an error record, the others are measured.
 * The good models get a limit they cannot reach on a busy machine under
 * the sanitizers (a tiny model takes well under a second); only the
 * hanging worker waits it out.
 */
static void test_faulty_workers_cost_one_model(void **state)
{
    (void)state;
    const char *a = tiny_model("one"), *b = tiny_model("two"), *c = tiny_model("three");
    static const char *const faults[][3] = {
        {"two:abort", "killed by signal 6", "120"},
        {"two:exit", "exited with status 3 without a result", "120"},
        {"two:hang", "timed out after 15 s", "15"},
    };
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        const char *out = tu_path(faults[i][0] + 4);
        setenv("FRM_TEST_WORKER_FAULT", faults[i][0], 1);
        tu_run r = tu_frm(NULL, NULL, "bench", "--warmup", "1", "--runs", "5", "--timeout",
                          faults[i][2], "-o", out, a, b, c, NULL);
        unsetenv("FRM_TEST_WORKER_FAULT");
        assert_int_equal(r.status, 1);
        assert_contains(r.err, faults[i][1]);
        assert_contains(r.err, "1 of 3 models failed");
        tu_run_free(&r);

        char *models[8];
        assert_int_equal(read_records(out, models, 8), 3);
        assert_string_equal(models[0], "one");
        assert_string_equal(models[1], "two");
        assert_string_equal(models[2], "three");
        for (int k = 0; k < 3; k++)
            free(models[k]);
        json_t *bad = record_of(out, "two");
        assert_string_equal(json_string_value(json_object_get(bad, "status")), "error");
        assert_contains(json_string_value(json_object_get(bad, "error")), faults[i][1]);
        /* the static counts are still there */
        assert_same(number_at(bad, "macs", NULL), 16384);
        json_decref(bad);
        json_t *good = record_of(out, "three");
        assert_string_equal(json_string_value(json_object_get(good, "status")), "ok");
        json_decref(good);
    }
}

static void test_unloadable_model_gets_error_record(void **state)
{
    (void)state;
    const char *good = tiny_model("fine");
    const char *bad = tu_write("junk.onnx", "not a model at all");
    const char *out = tu_path("junk.jsonl");
    tu_run r = tu_frm(NULL, NULL, "bench", "--runs", "3", "-o", out, bad, good, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "junk: cannot count the model's operations");
    tu_run_free(&r);
    json_t *rec = record_of(out, "junk");
    assert_string_equal(json_string_value(json_object_get(rec, "status")), "error");
    json_decref(rec);
    rec = record_of(out, "fine");
    assert_string_equal(json_string_value(json_object_get(rec, "status")), "ok");
    json_decref(rec);
}

/* Measured in one call, the smaller model reports its own, smaller peak. */
static void test_isolation_resnet50_then_squeezenet(void **state)
{
    (void)state;
    const char *dir = tu_subdir("zoo");
    tu_run r = tu_frm(NULL, NULL, "zoo", "--out", dir, "--models", "resnet50,squeezenet1_1", NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    const char *out = tu_path("isolation.jsonl");
    r = tu_frm(NULL, NULL, "bench", "--warmup", "1", "--runs", "3", "-o", out,
               tu_join(dir, "resnet50.onnx"), tu_join(dir, "squeezenet1_1.onnx"), NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);
    json_t *big = record_of(out, "resnet50"), *small = record_of(out, "squeezenet1_1");
    double big_peak = number_at(big, "memory_mb", "peak");
    double small_peak = number_at(small, "memory_mb", "peak");
    double big_need = number_at(big, "memory_mb", "weights") + number_at(big, "memory_mb", "activations_peak");
    double small_need = number_at(small, "memory_mb", "weights") + number_at(small, "memory_mb", "activations_peak");
    print_message("resnet50 peak %.1f MB (weights + activations %.1f); squeezenet1_1 %.1f MB (%.1f)\n",
                  big_peak, big_need, small_peak, small_need);
    if (UNDER_ASAN) {
        /* ASan's redzones and quarantine change what every malloc costs. */
        print_message("memory bounds not checked under AddressSanitizer\n");
    } else {
        assert_true(small_peak < big_peak / 4);
        assert_true(big_peak <= 2 * big_need && big_peak >= big_need / 2);
        assert_true(small_peak <= 2 * small_need && small_peak >= small_need / 2);
    }
    json_decref(big);
    json_decref(small);
}

/* Waits (up to ten minutes) until the file at `path` contains `text`. */
static bool wait_for_text(const char *path, const char *text)
{
    struct timespec nap = {0, 20 * 1000 * 1000};
    for (int i = 0; i < 30000; i++) {
        char *got = tu_read(path);
        bool found = got && strstr(got, text);
        free(got);
        if (found)
            return true;
        nanosleep(&nap, NULL);
    }
    return false;
}

/* Waits (up to ten minutes) until process `pid` catches `sig` (Linux: SigCgt in /proc). */
static bool wait_for_handler(pid_t pid, int sig)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    struct timespec nap = {0, 20 * 1000 * 1000};
    for (int i = 0; i < 30000; i++) {
        char *status = tu_read(path);
        const char *caught = status ? strstr(status, "SigCgt:") : NULL;
        unsigned long long mask = caught ? strtoull(caught + 7, NULL, 16) : 0;
        free(status);
        if (mask & (1ULL << (sig - 1)))
            return true;
        nanosleep(&nap, NULL);
    }
    return false;
}

/* Ctrl-C after the first record: that record stays, the rest are skipped. */
static void test_interrupt_keeps_finished_records(void **state)
{
    (void)state;
    const char *m[3] = {tiny_model("i1"), tiny_model("i2"), tiny_model("i3")};
    const char *out = tu_path("interrupted.jsonl");
    const char *err_path = tu_path("interrupted.err");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        dup2(fd, 1);
        execl(FRM_BIN, FRM_BIN, "bench", "--warmup", "0", "--runs", "10000000", "-o", out, m[0], m[1],
              m[2], (char *)NULL);
        _exit(127);
    }
    /* Ten million runs take minutes, so one Ctrl-C ("finish the current
     * model") would wait for them; the second abandons the model.  Each
     * signal waits for what frm says before it, however slow the machine. */
    assert_true(wait_for_handler(pid, SIGINT));
    kill(pid, SIGINT);
    assert_true(wait_for_text(err_path, "finishing the current model"));
    kill(pid, SIGINT);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    char *err = tu_read(err_path);
    assert_contains(err, "abandoning the current model");
    assert_contains(err, "2 models not measured");
    free(err);
    json_t *rec = record_of(out, "i1");
    assert_string_equal(json_string_value(json_object_get(rec, "status")), "error");
    assert_contains(json_string_value(json_object_get(rec, "error")), "interrupted");
    json_decref(rec);
}

/* SIGTERM: the current model is abandoned and no other is started, nor written as failed. */
static void test_terminate_starts_nothing_more(void **state)
{
    (void)state;
    const char *m[3] = {tiny_model("k1"), tiny_model("k2"), tiny_model("k3")};
    const char *out = tu_path("terminated.jsonl");
    const char *err_path = tu_path("terminated.err");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 2);
        dup2(fd, 1);
        execl(FRM_BIN, FRM_BIN, "bench", "--warmup", "0", "--runs", "10000000", "-o", out, m[0], m[1],
              m[2], (char *)NULL);
        _exit(127);
    }
    assert_true(wait_for_handler(pid, SIGTERM));
    kill(pid, SIGTERM);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    char *err = tu_read(err_path);
    assert_contains(err, "2 models not measured");
    free(err);
    char *models[8];
    assert_int_equal(read_records(out, models, 8), 1);
    assert_string_equal(models[0], "k1");
    free(models[0]);
}

/* A model with a fixed batch runs at it and is recorded at it; a --batch that contradicts it fails. */
static void test_fixed_batch_recorded(void **state)
{
    (void)state;
    frmi_onnx_builder *b = tu_model(17);
    frmi_onnx_input(b, "x", T_FLOAT, 2, DIMS(4, 64), NULL);
    float *w = frmi_onnx_initializer_f32_fill(b, "w", 2, DIMS(64, 64));
    for (int64_t i = 0; w && i < 64 * 64; i++)
        w[i] = (float)((i % 5) - 2) / 16.0f;
    tu_node_named(b, "MatMul", "mm", "x w", "h");
    tu_node(b, "Relu", "h", "y");
    const char *model = tu_save(b, "fixed4.onnx");
    const char *out = tu_path("fixed4.jsonl");
    tu_run r = tu_frm(NULL, NULL, "bench", "--warmup", "1", "--runs", "3", "-o", out, model, NULL);
    if (r.status != 0)
        fail_msg("%s", r.err);
    tu_run_free(&r);
    json_t *rec = record_of(out, "fixed4");
    assert_same(number_at(json_object_get(rec, "config"), "batch", NULL), 4);
    assert_contains(json_string_value(json_object_get(rec, "config_id")), "/batch-4");
    /* per sample: 4 x 64 x 64 MACs a call over 4 samples */
    assert_same(number_at(rec, "macs", NULL), 64 * 64);
    json_decref(rec);

    const char *refused = tu_path("fixed4-refused.jsonl");
    r = tu_frm(NULL, NULL, "bench", "--batch", "2", "--runs", "3", "-o", refused, model, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "input 'x' has a fixed batch of 4 (shape 4x64); --batch 2 contradicts it");
    tu_run_free(&r);
}

static void test_usage_errors(void **state)
{
    (void)state;
    static const char *const cases[][4] = {
        {"bench", NULL, NULL, "no model files"},
        {"bench", "--opt", "max", "unknown graph optimisation level 'max'"},
        {"bench", "--provider", "tpu", "--provider 'tpu': expected cpu or cuda"},
        {"bench", "--target-ci", "0", "--target-ci '0'"},
        {"bench", "--tier", "phone", "--tier 'phone'"},
        {"bench", "--runs", "0", "--runs '0'"},
        {"run", "--bogus", NULL, "unknown option '--bogus'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_run r = tu_frm(NULL, NULL, cases[i][0], cases[i][1], cases[i][2], NULL);
        assert_int_equal(r.status, 2);
        assert_contains(r.err, cases[i][3]);
        tu_run_free(&r);
    }
    /* flags that contradict each other, or one input given twice */
    const char *m = tiny_model("flags");
    tu_run r = tu_frm(NULL, NULL, "bench", "--runs", "50", "--target-ci", "2", m, NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "--runs and --target-ci");
    tu_run_free(&r);
    r = tu_frm(NULL, NULL, "bench", "-i", "x=1x128", "--input", "x=2x128", m, NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "input 'x' is given twice");
    tu_run_free(&r);
    /* more threads than cores: said, then done as asked */
    r = tu_frm(NULL, NULL, "bench", "--threads", "4096", tu_path("absent.onnx"), NULL);
    assert_contains(r.err, "--threads 4096 on ");
    assert_contains(r.err, "online cores");
    tu_run_free(&r);
    /* --target-ci alone reaches the worker without a --runs it would refuse */
    r = tu_frm(NULL, NULL, "bench", "--target-ci", "20", "--max-runs", "30", m, NULL);
    assert_int_equal(r.status, 0);
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "bench", "--accuracy", tu_path("absent.csv"), tiny_model("u"), NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "absent.csv");
    assert_string_equal(r.out, "");
    tu_run_free(&r);

    if (!tu_runtime_offers("CUDAExecutionProvider")) {
        r = tu_frm(NULL, NULL, "bench", "--provider", "cuda", tiny_model("v"), NULL);
        assert_int_equal(r.status, 1);
        assert_contains(r.err, "no CUDA execution provider");
        assert_string_equal(r.out, "");
        tu_run_free(&r);
    }

    /* --models is checked before anything is created or written */
    static const char *const bad_models[][2] = {
        {"squeezenet1_1", "--models must include resnet50"},
        {"resnet50,vgg16", "--models: 'vgg16' is not a zoo model"},
        {"resnet50,squeezenet1_1,resnet50", "--models: 'resnet50' is listed twice"},
    };
    for (size_t i = 0; i < sizeof bad_models / sizeof bad_models[0]; i++) {
        const char *dir = tu_path("run-bad-models");
        r = tu_frm(NULL, NULL, "run", "--models", bad_models[i][0], "--out", dir, NULL);
        assert_int_equal(r.status, 2);
        assert_contains(r.err, bad_models[i][1]);
        assert_int_equal(access(dir, F_OK), -1);
        tu_run_free(&r);
    }

    r = tu_frm(NULL, NULL, "help", "bench", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "VmHWM");
    tu_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_carry_every_field),
        cmocka_unit_test(test_faulty_workers_cost_one_model),
        cmocka_unit_test(test_unloadable_model_gets_error_record),
        cmocka_unit_test(test_isolation_resnet50_then_squeezenet),
        cmocka_unit_test(test_interrupt_keeps_finished_records),
        cmocka_unit_test(test_terminate_starts_nothing_more),
        cmocka_unit_test(test_fixed_batch_recorded),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
