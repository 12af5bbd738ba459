/*
 * tests/test_record.c - the record writer and the streaming reader.
 *
 * Round trips compare every field exactly (doubles with ==): the writer
 * writes the shortest text that reads back as the same double, so nothing
 * may be lost on the way.  Reader errors are checked for their code, their
 * exact message, and for the reader carrying on with the next line.
 */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- helpers ------------------------------------------------------------- */

/* Equal strings, where NULL only equals NULL. */
#define assert_same_str(a, b) same_str((a), (b), #a, __FILE__, __LINE__)
static void same_str(const char *a, const char *b, const char *what, const char *file, int line)
{
    if ((!a && !b) || (a && b && strcmp(a, b) == 0))
        return;
    print_error("%s:%d: %s: \"%s\" != \"%s\"\n", file, line, what, a ? a : "(NULL)",
                b ? b : "(NULL)");
    _fail(file, line);
}

static void assert_records_equal(const frm_record *a, const frm_record *b)
{
    assert_int_equal(a->ok, b->ok);
    assert_same_str(a->error, b->error);
    assert_same_str(a->model, b->model);
    assert_same_str(a->model_sha256, b->model_sha256);
    assert_same_str(a->device, b->device);
    assert_int_equal(a->tier, b->tier);
    assert_same_str(a->framework, b->framework);
    assert_same_str(a->framework_version, b->framework_version);
    assert_same_str(a->config_json, b->config_json);
    assert_same_str(a->config_id, b->config_id);
    assert_same(a->batch, b->batch);
    assert_same(a->latency_ms.median, b->latency_ms.median);
    assert_same(a->latency_ms.mean, b->latency_ms.mean);
    assert_same(a->latency_ms.stdev, b->latency_ms.stdev);
    assert_same(a->latency_ms.min, b->latency_ms.min);
    assert_same(a->latency_ms.max, b->latency_ms.max);
    assert_same(a->latency_ms.p90, b->latency_ms.p90);
    assert_same(a->latency_ms.p95, b->latency_ms.p95);
    assert_same(a->latency_ms.p99, b->latency_ms.p99);
    assert_same(a->latency_ms.n, b->latency_ms.n);
    assert_same(a->latency_ms.warmup, b->latency_ms.warmup);
    assert_same(a->latency_ms.ci95_lo, b->latency_ms.ci95_lo);
    assert_same(a->latency_ms.ci95_hi, b->latency_ms.ci95_hi);
    assert_same(a->latency_ms.first_run, b->latency_ms.first_run);
    assert_same(a->latency_ms.init_ms, b->latency_ms.init_ms);
    assert_same(a->memory_mb.peak, b->memory_mb.peak);
    assert_same(a->memory_mb.peak_lower, b->memory_mb.peak_lower);
    assert_same(a->memory_mb.rss_peak_delta, b->memory_mb.rss_peak_delta);
    assert_same(a->memory_mb.rss_after_load, b->memory_mb.rss_after_load);
    assert_same(a->memory_mb.weights, b->memory_mb.weights);
    assert_same(a->memory_mb.activations_peak, b->memory_mb.activations_peak);
    assert_same_str(a->memory_mb.source, b->memory_mb.source);
    assert_same(a->energy_mj, b->energy_mj);
    assert_same(a->macs, b->macs);
    assert_same(a->flops, b->flops);
    assert_same(a->params, b->params);
    assert_same(a->weights_bytes, b->weights_bytes);
    assert_same(a->activations_peak_bytes, b->activations_peak_bytes);
    assert_same(a->accuracy_top1, b->accuracy_top1);
    assert_same_str(a->host_json, b->host_json);
    assert_same_str(a->source, b->source);
    assert_same_str(a->frm_version, b->frm_version);
    assert_same_str(a->timestamp, b->timestamp);
}

/* A record with every member set.  Some numbers need all 17 digits, and
 * some are extremes (DBL_MAX, the smallest subnormal, 2^53 + 2), to show
 * the number text survives wherever it lands. */
static void full_record(frm_record *r)
{
    frm_record_init(r);
    r->ok = true;
    r->error = "retried once\tafter \"CUDA OOM\"\n";  /* escapes: tab, quotes, newline */
    r->model = "convnext_tiny.fb_in22k";
    r->model_sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    r->device = "rtx4090";
    r->tier = FRM_TIER_GPU;
    r->framework = "onnxruntime";
    r->framework_version = "1.17.1";
    /* sorted keys and compact, as the reader hands it back */
    r->config_json = "{\"batch\":8,\"ep\":\"cuda\",\"layout\":\"NCHW\",\"precision\":\"fp16\","
                     "\"shape\":[8,3,224,224],\"threads\":4}";
    r->config_id = "rtx4090/ort-cuda/fp16/b8";
    r->batch = 8;
    r->latency_ms.median = 12.345;
    r->latency_ms.mean = 12.3456789012345;
    r->latency_ms.stdev = 0.1;
    r->latency_ms.min = nextafter(11.0, 12.0);       /* 11.000000000000002 */
    r->latency_ms.max = 250.75;
    r->latency_ms.p90 = 13.3;
    r->latency_ms.p95 = 14.7;
    r->latency_ms.p99 = 19.9;
    r->latency_ms.n = 1000;
    r->latency_ms.warmup = 10;
    r->latency_ms.ci95_lo = 12.2;
    r->latency_ms.ci95_hi = 12.5;
    r->latency_ms.first_run = 1.0 / 3.0;
    r->latency_ms.init_ms = 1234.5678;
    r->memory_mb.peak = 97.65625;
    r->memory_mb.rss_peak_delta = 120.3;
    r->memory_mb.rss_after_load = 80.1;
    r->memory_mb.weights = 97.5;
    r->memory_mb.activations_peak = 67.0 / 3.0;
    r->memory_mb.source = "estimated:onnx-shapes";
    r->energy_mj = 0.1 + 0.2;                        /* 0.30000000000000004 */
    r->macs = 4.1e9;
    r->flops = DBL_MAX;
    r->params = 9007199254740994.0;                  /* 2^53 + 2, written as an integer */
    r->weights_bytes = 102228128;
    r->activations_peak_bytes = DBL_TRUE_MIN;
    r->accuracy_top1 = 0.80374;
    /* non-ASCII UTF-8 (the trade mark sign) must pass through unchanged */
    r->host_json = "{\"cores\":16,\"cpu\":\"AMD Ryzen\xE2\x84\xA2 9 7950X\",\"memory_gb\":64,"
                   "\"os\":\"Linux\"}";
    r->source = "import:csv:C:\\runs\\\xC3\xA9t\xC3\xA9.csv";   /* backslashes, "été" */
    r->frm_version = "0.1.0";
    r->timestamp = "2024-05-01T12:34:56Z";
}

/* An empty file in the test folder, for appending to. */
static const char *empty_file(const char *name)
{
    return tu_write(name, "");
}

static frm_code append(const char *path, const frm_record *rec, frm_error *err)
{
    FILE *f = fopen(path, "ab");
    assert_non_null(f);
    frm_code rc = frm_record_append(f, rec, err);
    assert_int_equal(fclose(f), 0);
    return rc;
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    fclose(f);
    return size;
}

static size_t count_char(const char *s, char c)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == c;
    return n;
}

/* Appends tu_line's record for `model` to `text`, without its line end. */
static void add_rec(char *text, size_t size, const char *model)
{
    const char *line = tu_line("cfg", "dev", "cpu", model, 2, 1, 3, 4, NAN, NAN);
    size_t len = strlen(text), add = strlen(line) - 1;
    assert_true(len + add < size);
    memcpy(text + len, line, add);
    text[len + add] = '\0';
}

static void add_text(char *text, size_t size, const char *more)
{
    assert_true(strlen(text) + strlen(more) < size);
    strcat(text, more);
}

/* Reads `path` to the end, expecting these models on these physical lines. */
static void expect_models(const char *path, size_t n, const char *const models[],
                          const uint64_t lines[])
{
    frm_reader *r;
    frm_error err;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    assert_int_equal(frm_reader_line(r), 0);
    for (size_t i = 0; i < n; i++) {
        const frm_record *rec;
        frm_code rc = frm_reader_next(r, &rec, &err);
        if (rc != FRM_OK)
            fail_msg("record %zu: %s", i, err.message);
        assert_non_null(rec);
        assert_string_equal(rec->model, models[i]);
        assert_int_equal(frm_reader_line(r), lines[i]);
    }
    const frm_record *rec;
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_null(rec);
    /* the end stays the end */
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_null(rec);
    frm_reader_close(r);
}

/* --- frm_record_init ----------------------------------------------------- */

static void init_sets_every_member(void **state)
{
    (void)state;
    frm_record r;
    memset(&r, 0xAB, sizeof r);       /* garbage, so nothing passes by luck */
    frm_record_init(&r);
    frm_record want;
    memset(&want, 0, sizeof want);
    want.ok = true;
    want.batch = 1;
    double *nums[] = {&want.latency_ms.median, &want.latency_ms.mean, &want.latency_ms.stdev,
                      &want.latency_ms.min, &want.latency_ms.max, &want.latency_ms.p90,
                      &want.latency_ms.p95, &want.latency_ms.p99, &want.latency_ms.n,
                      &want.latency_ms.warmup, &want.latency_ms.ci95_lo,
                      &want.latency_ms.ci95_hi, &want.latency_ms.first_run,
                      &want.latency_ms.init_ms, &want.memory_mb.peak, &want.memory_mb.peak_lower,
                      &want.memory_mb.rss_peak_delta, &want.memory_mb.rss_after_load,
                      &want.memory_mb.weights, &want.memory_mb.activations_peak,
                      &want.energy_mj, &want.macs, &want.flops, &want.params,
                      &want.weights_bytes, &want.activations_peak_bytes, &want.accuracy_top1};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        *nums[i] = NAN;
    /* every string NULL, tier unknown, every number NaN but batch 1 */
    assert_records_equal(&r, &want);
    assert_int_equal(r.tier, FRM_TIER_UNKNOWN);
    assert_true(isnan(r.latency_ms.median) && isnan(r.accuracy_top1));
}

/* --- writer + reader round trips ---------------------------------------- */

static void full_record_round_trip(void **state)
{
    (void)state;
    frm_record w;
    full_record(&w);
    const char *path = empty_file("full.jsonl");
    frm_error err;
    assert_int_equal(append(path, &w, &err), FRM_OK);

    /* one complete line */
    char *text = tu_read(path);
    assert_non_null(text);
    assert_int_equal(count_char(text, '\n'), 1);
    assert_int_equal(text[strlen(text) - 1], '\n');
    /* numbers in their shortest exact form; whole numbers below 1e15 as integers */
    assert_contains(text, "\"median\":12.345,");
    assert_contains(text, "\"min\":11.000000000000002,");
    assert_contains(text, "\"energy_mj\":0.30000000000000004,");
    assert_contains(text, "\"macs\":4100000000,");
    assert_contains(text, "\"n\":1000,");
    assert_contains(text, "\"params\":9007199254740994,");
    assert_contains(text, "\"ci95_median\":[12.2,12.5]");
    assert_contains(text, "\"config\":{\"batch\":8,");
    free(text);

    frm_reader *r;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    const frm_record *back;
    assert_int_equal(frm_reader_next(r, &back, &err), FRM_OK);
    assert_non_null(back);
    assert_int_equal(frm_reader_line(r), 1);
    assert_records_equal(back, &w);
    /* the strings are the reader's copies, not the writer's */
    assert_ptr_not_equal(back->model, w.model);
    assert_int_equal(frm_reader_next(r, &back, &err), FRM_OK);
    assert_null(back);
    frm_reader_close(r);
}

static void absent_numbers(void **state)
{
    (void)state;
    frm_record w;
    full_record(&w);
    w.energy_mj = NAN;
    w.accuracy_top1 = NAN;
    w.flops = NAN;
    w.latency_ms.p99 = NAN;
    w.latency_ms.ci95_hi = NAN;     /* half a pair is no pair */
    const char *path = empty_file("nan.jsonl");
    frm_error err;
    assert_int_equal(append(path, &w, &err), FRM_OK);
    char *text = tu_read(path);
    assert_non_null(text);
    /* energy and accuracy are written as null; other absent numbers are left out */
    assert_contains(text, "\"energy_mj\":null,");
    assert_contains(text, "\"accuracy_top1\":null,");
    assert_null(strstr(text, "flops"));
    assert_null(strstr(text, "p99"));
    assert_null(strstr(text, "ci95_median"));
    free(text);

    frm_reader *r;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    const frm_record *back;
    assert_int_equal(frm_reader_next(r, &back, &err), FRM_OK);
    assert_non_null(back);
    assert_true(isnan(back->energy_mj));
    assert_true(isnan(back->accuracy_top1));
    assert_true(isnan(back->flops));
    assert_true(isnan(back->latency_ms.p99));
    assert_true(isnan(back->latency_ms.ci95_lo) && isnan(back->latency_ms.ci95_hi));
    /* everything else as written */
    w.latency_ms.ci95_lo = NAN;
    assert_records_equal(back, &w);
    frm_reader_close(r);
}

/* Sources that measure neither (ncnn's tables): an "ok" record without macs or memory_mb. */
static void latency_only_round_trip(void **state)
{
    (void)state;
    frm_record w;
    full_record(&w);
    w.macs = NAN;
    w.memory_mb = (frm_memory){NAN, NAN, NAN, NAN, NAN, NAN, NULL};
    const char *path = empty_file("latency-only.jsonl");
    frm_error err;
    assert_int_equal(append(path, &w, &err), FRM_OK);
    char *text = tu_read(path);
    assert_non_null(text);
    assert_null(strstr(text, "\"macs\""));
    assert_null(strstr(text, "memory_mb"));
    free(text);

    frm_reader *r;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    const frm_record *back;
    assert_int_equal(frm_reader_next(r, &back, &err), FRM_OK);
    assert_non_null(back);
    assert_true(back->ok);
    assert_true(isnan(back->macs));
    assert_true(isnan(back->memory_mb.peak));
    assert_records_equal(back, &w);
    frm_reader_close(r);

    /* a range's lower bound survives the trip */
    full_record(&w);
    w.memory_mb.peak_lower = 0.5;
    path = empty_file("peak-range.jsonl");
    assert_int_equal(append(path, &w, &err), FRM_OK);
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    assert_int_equal(frm_reader_next(r, &back, &err), FRM_OK);
    assert_non_null(back);
    assert_true(back->memory_mb.peak_lower == 0.5);
    frm_reader_close(r);
}

static void error_record_round_trip(void **state)
{
    (void)state;
    frm_record w;
    frm_record_init(&w);
    w.ok = false;
    w.error = "CUDA error: out of memory (tried to allocate 2.00 GiB)";
    w.model = "vit_huge_patch14_224";
    w.device = "jetson-orin";
    w.tier = FRM_TIER_EDGE;
    w.framework = "onnxruntime";
    w.config_id = "orin/trt/fp16/b64";
    w.config_json = "{\"batch\":64,\"ep\":\"tensorrt\"}";
    w.batch = 64;
    w.macs = 167.4e9;
    w.timestamp = "2024-05-02T08:00:00Z";

    /* the least an error record needs: model and error */
    frm_record bare;
    frm_record_init(&bare);
    bare.ok = false;
    bare.error = "model file not found";
    bare.model = "missing_model";

    const char *path = empty_file("error.jsonl");
    frm_error err;
    assert_int_equal(append(path, &w, &err), FRM_OK);
    assert_int_equal(append(path, &bare, &err), FRM_OK);
    char *text = tu_read(path);
    assert_non_null(text);
    assert_int_equal(count_char(text, '\n'), 2);
    assert_contains(text, "\"status\":\"error\",\"error\":\"CUDA error: out of memory");
    /* no measurement, so no latency, memory, energy or accuracy */
    assert_null(strstr(text, "latency_ms"));
    assert_null(strstr(text, "memory_mb"));
    assert_null(strstr(text, "energy_mj"));
    assert_null(strstr(text, "accuracy_top1"));
    free(text);

    frm_reader *r;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    const frm_record *back;
    assert_int_equal(frm_reader_next(r, &back, &err), FRM_OK);
    assert_non_null(back);
    assert_false(back->ok);
    assert_records_equal(back, &w);
    assert_int_equal(frm_reader_next(r, &back, &err), FRM_OK);
    assert_non_null(back);
    assert_int_equal(frm_reader_line(r), 2);
    assert_records_equal(back, &bare);
    assert_null(back->device);
    assert_int_equal(back->tier, FRM_TIER_UNKNOWN);
    frm_reader_close(r);
}

/* The writer refuses `rec` with FRM_E_FIELD and `message`, writing nothing. */
static void expect_refused(const frm_record *rec, const char *message)
{
    const char *path = empty_file("refused.jsonl");
    frm_error err;
    frm_error_clear(&err);
    assert_int_equal(append(path, rec, &err), FRM_E_FIELD);
    assert_int_equal(err.code, FRM_E_FIELD);
    assert_contains(err.message, message);
    assert_int_equal(file_size(path), 0);
}

static void writer_refuses_unreadable_records(void **state)
{
    (void)state;
    frm_record w;

    full_record(&w);
    w.model = NULL;
    expect_refused(&w, "record for model '?' not written: field 'model' is missing "
                       "(expected a non-empty string)");

    full_record(&w);
    w.config_json = "batch=8";
    expect_refused(&w, "record for model 'convnext_tiny.fb_in22k' not written: field 'config' is not one JSON object");

    full_record(&w);
    w.config_json = "{\"batch\":8";          /* unterminated */
    expect_refused(&w, "record for model 'convnext_tiny.fb_in22k' not written: field 'config' is not one JSON object");

    full_record(&w);
    w.config_json = "[8,3,224,224]";
    expect_refused(&w, "record for model 'convnext_tiny.fb_in22k' not written: field 'config' is not one JSON object");

    /* text after the object would smuggle a top-level field into the line */
    full_record(&w);
    w.config_json = "{\"batch\":8},\"model\":\"other\"";
    expect_refused(&w, "record for model 'convnext_tiny.fb_in22k' not written: field 'config' is not one JSON object");

    /* rec->batch and config.batch must agree, or per-sample latency would be wrong */
    full_record(&w);
    w.batch = 4;
    expect_refused(&w, "record for model 'convnext_tiny.fb_in22k' not written: batch is 4 but "
                       "config.batch says 8");

    full_record(&w);
    w.config_json = "{\"batch\":0}";
    expect_refused(&w, "field 'config.batch': expected a positive whole number, found 0");

    full_record(&w);
    w.host_json = "{\"cores\":16,\"cores\":8}";
    expect_refused(&w, "record for model 'convnext_tiny.fb_in22k' not written: field 'host' is "
                       "not one JSON object");

    full_record(&w);
    w.tier = FRM_TIER_UNKNOWN;
    expect_refused(&w, "field 'tier' is missing");

    full_record(&w);
    w.latency_ms.median = NAN;
    expect_refused(&w, "field 'latency_ms.median' is missing");

    full_record(&w);
    w.accuracy_top1 = 76.1;
    expect_refused(&w, "(a percentage? divide by 100)");

    full_record(&w);
    w.device = "";
    expect_refused(&w, "field 'device': expected a non-empty string, found an empty one");

    /* names are printed in tables: a terminal escape or a newline in one is refused */
    static const char *const controlled[] = {"red\x1b[31m", "two\nlines", "tab\tbed", "del\x7f"};
    for (size_t i = 0; i < sizeof controlled / sizeof controlled[0]; i++) {
        full_record(&w);
        w.model = controlled[i];
        expect_refused(&w, "field 'model': a name with a control character");
        full_record(&w);
        w.config_id = controlled[i];
        expect_refused(&w, "field 'config_id': a name with a control character");
    }
    /* elsewhere (an error message, the config object) they are escaped JSON and harmless */
    full_record(&w);
    w.config_json = "{\"batch\":8,\"note\":\"a\\nb\"}";
    const char *fine = empty_file("escaped.jsonl");
    frm_error err;
    if (append(fine, &w, &err) != FRM_OK)
        fail_msg("%s", err.message);

    /* an error record must say what went wrong */
    frm_record_init(&w);
    w.ok = false;
    w.model = "m";
    expect_refused(&w, "record for model 'm' not written: field 'error' is missing");
}

static void writer_refuses_invalid_utf8(void **state)
{
    (void)state;
    frm_record w;
    /* a lone continuation byte, a truncated sequence, an overlong '/',
     * a UTF-16 surrogate and a code point above U+10FFFF */
    const char *bad[] = {"rtx\x80", "caf\xC3", "a\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        full_record(&w);
        w.device = bad[i];
        expect_refused(&w, "record for model 'convnext_tiny.fb_in22k' not written: "
                           "a string is not UTF-8");
    }
    full_record(&w);
    w.memory_mb.source = "measured\xFF";
    expect_refused(&w, "a string is not UTF-8");
    /* invalid UTF-8 inside config_json is caught when it is parsed */
    full_record(&w);
    w.config_json = "{\"ep\":\"cu\xFF" "da\"}";
    expect_refused(&w, "field 'config' is not one JSON object");

    /* the largest code point is fine */
    full_record(&w);
    w.device = "dev\xF4\x8F\xBF\xBF";
    const char *path = empty_file("utf8.jsonl");
    frm_error err;
    assert_int_equal(append(path, &w, &err), FRM_OK);
    const char *models[] = {"convnext_tiny.fb_in22k"};
    const uint64_t lines[] = {1};
    expect_models(path, 1, models, lines);
}

static void writer_reports_write_errors(void **state)
{
    (void)state;
    /* /dev/full accepts the buffered write and fails the flush with ENOSPC */
    FILE *f = fopen("/dev/full", "wb");
    if (!f)
        skip();
    frm_record w;
    full_record(&w);
    frm_error err;
    assert_int_equal(frm_record_append(f, &w, &err), FRM_E_IO);
    assert_contains(err.message, "cannot write record for model 'convnext_tiny.fb_in22k': ");
    fclose(f);
}

static void appends_accumulate(void **state)
{
    (void)state;
    const char *path = empty_file("three.jsonl");
    frm_record w;
    full_record(&w);
    frm_error err;
    const char *models[] = {"m1", "m2", "m3"};
    for (size_t i = 0; i < 3; i++) {
        w.model = models[i];
        w.latency_ms.median = (double)(i + 1) / 10.0;
        assert_int_equal(append(path, &w, &err), FRM_OK);
    }
    frm_reader *r;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    for (size_t i = 0; i < 3; i++) {
        const frm_record *back;
        assert_int_equal(frm_reader_next(r, &back, &err), FRM_OK);
        assert_non_null(back);
        assert_int_equal(frm_reader_line(r), i + 1);
        assert_string_equal(back->model, models[i]);
        /* 0.1, 0.2, 0.30000000000000004: each as computed */
        assert_same(back->latency_ms.median, (double)(i + 1) / 10.0);
    }
    frm_reader_close(r);
}

/* --- reader robustness --------------------------------------------------- */

static void crlf_line_ends(void **state)
{
    (void)state;
    char text[8192] = "";
    add_rec(text, sizeof text, "a");
    add_text(text, sizeof text, "\r\n\r\n");           /* line 2 is empty */
    add_rec(text, sizeof text, "b");
    add_text(text, sizeof text, "\r\n");
    add_rec(text, sizeof text, "c");                    /* no final line end */
    const char *models[] = {"a", "b", "c"};
    const uint64_t lines[] = {1, 3, 4};
    expect_models(tu_write("crlf.jsonl", text), 3, models, lines);
}

static void blank_and_space_lines(void **state)
{
    (void)state;
    char text[8192] = "";
    add_text(text, sizeof text, "\n   \t  \n");   /* lines 1, 2 */
    add_rec(text, sizeof text, "a");             /* line 3 */
    add_text(text, sizeof text, "\n \r\n\t");     /* line 4 blank; line 5 starts with a tab */
    add_rec(text, sizeof text, "b");
    add_text(text, sizeof text, "   \n\n\n");     /* trailing spaces; lines 6, 7 blank */
    const char *models[] = {"a", "b"};
    const uint64_t lines[] = {3, 5};
    expect_models(tu_write("blank.jsonl", text), 2, models, lines);

    /* only blank lines, and nothing at all, are empty inputs */
    expect_models(tu_write("only-blank.jsonl", "\n \n\r\n\t\n"), 0, NULL, NULL);
    expect_models(tu_write("empty.jsonl", ""), 0, NULL, NULL);
}

static void byte_order_mark(void **state)
{
    (void)state;
    char text[8192] = "\xEF\xBB\xBF";
    add_rec(text, sizeof text, "a");
    add_text(text, sizeof text, "\n");
    add_rec(text, sizeof text, "b");
    add_text(text, sizeof text, "\n");
    const char *models[] = {"a", "b"};
    const uint64_t lines[] = {1, 2};
    expect_models(tu_write("bom.jsonl", text), 2, models, lines);

    /* a mark alone on the first line, with a Windows line end */
    char text2[8192] = "\xEF\xBB\xBF\r\n";
    add_rec(text2, sizeof text2, "c");
    const char *models2[] = {"c"};
    const uint64_t lines2[] = {2};
    expect_models(tu_write("bom2.jsonl", text2), 1, models2, lines2);
}

static void byte_order_marks_of_concatenated_files(void **state)
{
    (void)state;
    /* `cat a b c` of three files that each start with a mark: b's mark
     * begins line 2, and c's, after a b without final newline, follows
     * b's record on that line. */
    char text[8192] = "\xEF\xBB\xBF";
    add_rec(text, sizeof text, "a");
    add_text(text, sizeof text, "\r\n\xEF\xBB\xBF");
    add_rec(text, sizeof text, "b");
    add_text(text, sizeof text, "\xEF\xBB\xBF");
    add_rec(text, sizeof text, "c");
    add_text(text, sizeof text, "\n");
    const char *models[] = {"a", "b", "c"};
    const uint64_t lines[] = {1, 2, 2};
    expect_models(tu_write("bom-cat.jsonl", text), 3, models, lines);
}

static void several_objects_on_one_line(void **state)
{
    (void)state;
    char text[8192] = "";
    add_rec(text, sizeof text, "a");       /* cat of files without final newlines */
    add_rec(text, sizeof text, "b");
    add_text(text, sizeof text, "\n");
    add_rec(text, sizeof text, "c");
    add_text(text, sizeof text, " \t");
    add_rec(text, sizeof text, "d");
    add_text(text, sizeof text, "\r\n");
    add_rec(text, sizeof text, "e");
    add_rec(text, sizeof text, "f");
    add_rec(text, sizeof text, "g");
    const char *models[] = {"a", "b", "c", "d", "e", "f", "g"};
    const uint64_t lines[] = {1, 1, 2, 2, 3, 3, 3};
    expect_models(tu_write("concat.jsonl", text), 7, models, lines);
}

static void very_long_line(void **state)
{
    (void)state;
    enum { BIG = 1 << 20 };
    const char *head = "{\"schema\":\"frm.record/1\",\"status\":\"ok\",\"model\":\"big\","
                       "\"device\":\"d\",\"tier\":\"cpu\",\"framework\":\"ort\","
                       "\"config_id\":\"c\","
                       "\"latency_ms\":{\"median\":2},\"memory_mb\":{\"peak\":3},\"macs\":4,"
                       "\"source\":\"";
    const char *tail = "\"}\n";
    char text[4096] = "";
    add_rec(text, sizeof text, "after");
    add_text(text, sizeof text, "\n");

    size_t len = strlen(head) + BIG + strlen(tail) + strlen(text);
    char *all = malloc(len + 1);
    assert_non_null(all);
    char *p = all;
    memcpy(p, head, strlen(head));
    p += strlen(head);
    for (size_t i = 0; i < BIG; i++)
        *p++ = (char)('a' + i % 26);
    memcpy(p, tail, strlen(tail));
    p += strlen(tail);
    memcpy(p, text, strlen(text) + 1);
    const char *path = tu_write("long.jsonl", all);
    free(all);

    frm_reader *r;
    frm_error err;
    const frm_record *rec;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_non_null(rec);
    assert_string_equal(rec->model, "big");
    assert_int_equal(strlen(rec->source), BIG);
    /* spot checks of the pattern: position i holds 'a' + i % 26 */
    assert_int_equal(rec->source[0], 'a');
    assert_int_equal(rec->source[BIG - 1], 'a' + (BIG - 1) % 26);
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_non_null(rec);
    assert_string_equal(rec->model, "after");
    assert_int_equal(frm_reader_line(r), 2);
    frm_reader_close(r);
}

static void standard_input(void **state)
{
    (void)state;
    char text[8192] = "";
    add_rec(text, sizeof text, "from-stdin");
    add_text(text, sizeof text, "\n{oops}\n");
    assert_non_null(freopen(tu_write("stdin.jsonl", text), "rb", stdin));

    /* twice: closing a reader of "-" must leave standard input open */
    for (int pass = 0; pass < 2; pass++) {
        rewind(stdin);
        frm_reader *r;
        frm_error err;
        const frm_record *rec;
        assert_int_equal(frm_reader_open(&r, "-", &err), FRM_OK);
        assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
        assert_non_null(rec);
        assert_string_equal(rec->model, "from-stdin");
        /* messages name standard input "-" */
        assert_int_equal(frm_reader_next(r, &rec, &err), FRM_E_SYNTAX);
        assert_int_equal(strncmp(err.message, "-:2:", 4), 0);
        assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
        assert_null(rec);
        frm_reader_close(r);
    }
}

/* --- reader errors ------------------------------------------------------- */

#define S1 "frm.record/1"
/* A record line with the given schema, status and tier, and extra members. */
#define REC(schema, status, tier, extra)                                                    \
    "{\"schema\":\"" schema "\",\"status\":\"" status "\",\"model\":\"m\",\"device\":\"d\"," \
    "\"tier\":\"" tier "\",\"framework\":\"ort\",\"config_id\":\"c\"" extra "}"
#define LAT ",\"latency_ms\":{\"median\":2}"
#define MEM ",\"memory_mb\":{\"peak\":3}"
#define MACS ",\"macs\":4"
#define STD LAT MEM MACS

/*
 * Reads three lines, "before", `bad`, "after": the bad one must fail with
 * `code`, a message starting "PATH:2:" and holding `what` (for field
 * errors the message is exactly "PATH:2: " what), and the reader must then
 * go on to "after" on line 3.
 */
static void expect_bad_line(const char *bad, frm_code code, const char *what)
{
    char text[8192] = "";
    add_rec(text, sizeof text, "before");
    add_text(text, sizeof text, "\n");
    add_text(text, sizeof text, bad);
    add_text(text, sizeof text, "\n");
    add_rec(text, sizeof text, "after");
    add_text(text, sizeof text, "\n");
    const char *path = tu_write("bad.jsonl", text);

    frm_reader *r;
    frm_error err;
    const frm_record *rec;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_string_equal(rec->model, "before");

    frm_error_clear(&err);
    frm_code rc = frm_reader_next(r, &rec, &err);
    if (rc != code)
        fail_msg("line %s: expected code %d, got %d (%s)", bad, code, rc, err.message);
    assert_int_equal(err.code, code);
    assert_null(rec);
    assert_int_equal(frm_reader_line(r), 2);
    char where[4200];
    snprintf(where, sizeof where, "%s:2:", path);
    if (strncmp(err.message, where, strlen(where)) != 0)
        fail_msg("message \"%s\" does not start with \"%s\"", err.message, where);
    assert_contains(err.message, what);
    if (code == FRM_E_FIELD) {
        char full[4200 + FRM_ERROR_SIZE];
        snprintf(full, sizeof full, "%s:2: %s", path, what);
        assert_string_equal(err.message, full);
    }

    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_non_null(rec);
    assert_string_equal(rec->model, "after");
    assert_int_equal(frm_reader_line(r), 3);
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_null(rec);
    frm_reader_close(r);
}

static void control_line_is_good(void **state)
{
    (void)state;
    /* The lines the error tests break are this one with one thing changed;
     * unchanged, it reads, with the values it says. */
    const char *path = tu_write("control.jsonl", REC(S1, "ok", "cpu", STD) "\n");
    frm_reader *r;
    frm_error err;
    const frm_record *rec;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_non_null(rec);
    assert_true(rec->ok);
    assert_int_equal(rec->tier, FRM_TIER_CPU);
    assert_same(rec->latency_ms.median, 2.0);
    assert_same(rec->memory_mb.peak, 3.0);
    assert_same(rec->macs, 4.0);
    assert_same(rec->batch, 1.0);            /* no config: batch 1 */
    assert_null(rec->config_json);
    assert_null(rec->error);
    frm_reader_close(r);
}

static void malformed_json_mid_file(void **state)
{
    (void)state;
    char text[8192] = "";
    const char *names[] = {"one", "two", NULL, "four", "five"};
    for (size_t i = 0; i < 5; i++) {
        if (names[i])
            add_rec(text, sizeof text, names[i]);
        else
            add_text(text, sizeof text, "{\"schema\":\"frm.record/1\",\"status\":");
        add_text(text, sizeof text, "\n");
    }
    const char *path = tu_write("malformed.jsonl", text);
    frm_reader *r;
    frm_error err;
    const frm_record *rec;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    for (size_t i = 0; i < 5; i++) {
        frm_code rc = frm_reader_next(r, &rec, &err);
        assert_int_equal(frm_reader_line(r), i + 1);
        if (!names[i]) {
            assert_int_equal(rc, FRM_E_SYNTAX);
            assert_null(rec);
            char where[4200];
            snprintf(where, sizeof where, "%s:3:", path);
            assert_int_equal(strncmp(err.message, where, strlen(where)), 0);
            assert_contains(err.message, ": malformed JSON: ");
            continue;
        }
        assert_int_equal(rc, FRM_OK);
        assert_string_equal(rec->model, names[i]);
    }
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_null(rec);
    frm_reader_close(r);
}

static void garbage_after_object(void **state)
{
    (void)state;
    /* the record before the garbage is kept, the rest of that line is not */
    char text[8192] = "";
    add_rec(text, sizeof text, "a");
    /* 1-based column of the ']' after one space: a one-character token, so
     * where the parser stopped and where the error is are the same place */
    size_t column = strlen(text) + 2;
    add_text(text, sizeof text, " ] ");
    add_rec(text, sizeof text, "lost");
    add_text(text, sizeof text, "\n");
    add_rec(text, sizeof text, "b");
    const char *path = tu_write("garbage.jsonl", text);

    frm_reader *r;
    frm_error err;
    const frm_record *rec;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_OK);
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_string_equal(rec->model, "a");
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_E_SYNTAX);
    char where[4200];
    snprintf(where, sizeof where, "%s:1:%zu: malformed JSON: ", path, column);
    assert_contains(err.message, where);
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_string_equal(rec->model, "b");
    assert_int_equal(frm_reader_line(r), 2);
    frm_reader_close(r);
}

static void bad_lines(void **state)
{
    (void)state;
    expect_bad_line("[1,2,3]", FRM_E_SYNTAX, "expected a JSON object per line");
    expect_bad_line("42", FRM_E_SYNTAX, "malformed JSON");
    expect_bad_line(REC(S1, "ok", "cpu", STD ",\"model\":\"m2\""), FRM_E_SYNTAX,
                    "malformed JSON: duplicate object key");
    expect_bad_line(REC(S1, "ok", "cpu", ",\"latency_ms\":{\"mean\":2}" MEM MACS), FRM_E_FIELD,
                    "field 'latency_ms.median' is missing (expected a number)");
    expect_bad_line(REC(S1, "ok", "cpu", LAT MEM ",\"macs\":\"4\""), FRM_E_FIELD,
                    "field 'macs': expected a number, found a string");
    expect_bad_line(REC(S1, "ok", "cpu", ",\"latency_ms\":5" MEM MACS), FRM_E_FIELD,
                    "field 'latency_ms': expected an object, found a number");
    /* memory_mb may be absent, but an object that is there gives its peak */
    expect_bad_line(REC(S1, "ok", "cpu", LAT ",\"memory_mb\":{\"source\":\"measured\"}" MACS),
                    FRM_E_FIELD, "field 'memory_mb.peak' is missing (expected a number)");
    expect_bad_line(REC(S1, "ok", "cpu", LAT ",\"memory_mb\":{\"peak\":3,\"peak_lower\":4}"),
                    FRM_E_FIELD, "field 'memory_mb.peak_lower': 4 is above the peak 3 it bounds");
    expect_bad_line(REC(S1, "ok", "cpu", ",\"latency_ms\":{\"median\":2,\"ci95_median\":[1]}"
                                         MEM MACS),
                    FRM_E_FIELD, "field 'latency_ms.ci95_median': expected [lo, hi], two numbers");
    expect_bad_line(REC(S1, "ok", "tpu", STD), FRM_E_FIELD,
                    "field 'tier': expected \"gpu\", \"cpu\" or \"edge\", found 'tpu'");
    expect_bad_line(REC("frm.record/2", "ok", "cpu", STD), FRM_E_FIELD,
                    "field 'schema': unsupported schema 'frm.record/2' (expected 'frm.record/1')");
    expect_bad_line(REC(S1, "failed", "cpu", STD), FRM_E_FIELD,
                    "field 'status': expected \"ok\" or \"error\", found 'failed'");
    expect_bad_line(REC(S1, "ok", "cpu", STD ",\"accuracy_top1\":76.1"), FRM_E_FIELD,
                    "field 'accuracy_top1': expected a fraction in [0, 1], found 76.1 "
                    "(a percentage? divide by 100)");
    /* out of [0, 1] but no percentage either: no hint */
    expect_bad_line(REC(S1, "ok", "cpu", STD ",\"accuracy_top1\":-0.5"), FRM_E_FIELD,
                    "field 'accuracy_top1': expected a fraction in [0, 1], found -0.5");
    expect_bad_line(REC(S1, "ok", "cpu", STD ",\"config\":{\"batch\":0}"), FRM_E_FIELD,
                    "field 'config.batch': expected a positive whole number, found 0");
    expect_bad_line(REC(S1, "ok", "cpu", STD ",\"config\":{\"batch\":2.5}"), FRM_E_FIELD,
                    "field 'config.batch': expected a positive whole number, found 2.5");
    expect_bad_line(REC(S1, "ok", "cpu", STD ",\"config\":{\"batch\":\"8\"}"), FRM_E_FIELD,
                    "field 'config.batch': expected a positive whole number, found a string");
    expect_bad_line(REC(S1, "error", "cpu", ""), FRM_E_FIELD,
                    "field 'error' is missing (expected a non-empty string)");
    /* jansson refuses NUL in strings while parsing */
    expect_bad_line(REC(S1, "ok", "cpu", STD ",\"source\":\"a\\u0000b\""), FRM_E_SYNTAX,
                    "malformed JSON: \\u0000 is not allowed");
}

static void open_errors(void **state)
{
    (void)state;
    char path[4200];
    snprintf(path, sizeof path, "%s/no-such-file.jsonl", tu_tmpdir());
    frm_reader *r;
    frm_error err;
    assert_int_equal(frm_reader_open(&r, path, &err), FRM_E_IO);
    assert_null(r);
    assert_int_equal(err.code, FRM_E_IO);
    char want[4300];
    snprintf(want, sizeof want, "cannot open '%s': No such file or directory", path);
    assert_string_equal(err.message, want);
    frm_reader_close(NULL);

    /* a folder opens but cannot be read: an I/O error that ends the input */
    assert_int_equal(frm_reader_open(&r, tu_tmpdir(), &err), FRM_OK);
    const frm_record *rec;
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_E_IO);
    assert_null(rec);
    snprintf(want, sizeof want, "%s:1: read error: ", tu_tmpdir());
    assert_contains(err.message, want);
    assert_int_equal(frm_reader_next(r, &rec, &err), FRM_OK);
    assert_null(rec);
    frm_reader_close(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_sets_every_member),
        cmocka_unit_test(full_record_round_trip),
        cmocka_unit_test(absent_numbers),
        cmocka_unit_test(latency_only_round_trip),
        cmocka_unit_test(error_record_round_trip),
        cmocka_unit_test(writer_refuses_unreadable_records),
        cmocka_unit_test(writer_refuses_invalid_utf8),
        cmocka_unit_test(writer_reports_write_errors),
        cmocka_unit_test(appends_accumulate),
        cmocka_unit_test(crlf_line_ends),
        cmocka_unit_test(blank_and_space_lines),
        cmocka_unit_test(byte_order_mark),
        cmocka_unit_test(byte_order_marks_of_concatenated_files),
        cmocka_unit_test(several_objects_on_one_line),
        cmocka_unit_test(very_long_line),
        cmocka_unit_test(standard_input),
        cmocka_unit_test(control_line_is_good),
        cmocka_unit_test(malformed_json_mid_file),
        cmocka_unit_test(garbage_after_object),
        cmocka_unit_test(bad_lines),
        cmocka_unit_test(open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
