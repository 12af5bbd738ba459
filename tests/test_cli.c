/*
 * tests/test_cli.c - the frm tool as a user runs it: output, messages,
 * exit status.
 */
#include "testutil.h"

#include <jansson.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static void version_and_help(void **state)
{
    (void)state;
    tu_run r = tu_frm(NULL, NULL, "--version", NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "frm " FRM_VERSION "\n");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.out, "");
    assert_contains(r.err, "usage: frm");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "help", "score", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "usage: frm score [options] FILE...");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "score", "--help", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "--frm-q RULE");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "frobnicate", NULL);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err, "frm: 'frobnicate' is not a frm command. See 'frm --help'.\n");
    tu_run_free(&r);
}

static void info_reports_loaded_runtime(void **state)
{
    (void)state;
    tu_run r = tu_frm(NULL, NULL, "info", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "ONNX Runtime 1.29.0");
    assert_contains(r.out, "CPUExecutionProvider");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "info", "--format", "json", NULL);
    assert_int_equal(r.status, 0);
    json_error_t jerr;
    json_t *doc = json_loads(r.out, 0, &jerr);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "frm_version")), FRM_VERSION);
    json_t *rt = json_object_get(doc, "runtime");
    assert_string_equal(json_string_value(json_object_get(rt, "version")), "1.29.0");
    json_t *providers = json_object_get(rt, "providers");
    bool has_cpu = false;
    for (size_t i = 0; i < json_array_size(providers); i++)
        has_cpu |= strcmp(json_string_value(json_array_get(providers, i)), "CPUExecutionProvider") == 0;
    assert_true(has_cpu);
    json_t *host = json_object_get(doc, "host");
    assert_int_equal((long)json_number_value(json_object_get(host, "logical_cores")),
                     sysconf(_SC_NPROCESSORS_ONLN));
    assert_true(json_number_value(json_object_get(host, "memory_bytes")) > 0);
    json_decref(doc);
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "info", "--format", "csv", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "unknown format 'csv' (use table or json)");
    tu_run_free(&r);
}

/* The data of the JSON check: two configurations, one with batch 4 records. */
typedef struct model_data {
    const char *config, *model;
    double latency, batch, memory, macs;
} model_data;

static const model_data data[] = {
    {"cpu-1", "resnet50", 41.3, 1, 180.5, 4089184256},
    {"cpu-1", "resnet18", 19.7, 1, 90.25, 1814073344},
    {"cpu-1", "mobilenetv2_100", 7.9, 1, 41.0, 300774272},
    {"cpu-1", "squeezenet1_1", 3.1, 1, 22.5, 349151936},
    {"gpu-b4", "resnet50", 12.8, 4, 610.0, 4089184256},
    {"gpu-b4", "resnet18", 6.2, 4, 300.0, 1814073344},
    {"gpu-b4", "mobilenetv2_100", 5.6, 4, 250.0, 300774272},
    {"gpu-b4", "squeezenet1_1", 2.9, 4, 120.0, 349151936},
};
enum { N_DATA = sizeof data / sizeof data[0] };

static const char *dataset_file(void)
{
    static char text[16384];
    text[0] = '\0';
    for (size_t i = 0; i < N_DATA; i++) {
        const model_data *d = &data[i];
        strcat(text, tu_line(d->config, d->config[0] == 'c' ? "box" : "card",
                             d->config[0] == 'c' ? "cpu" : "gpu", d->model, d->latency, d->batch,
                             d->memory, d->macs, NAN, NAN));
    }
    return tu_write("data.jsonl", text);
}

static const model_data *find(const char *config, const char *model)
{
    for (size_t i = 0; i < N_DATA; i++)
        if (strcmp(data[i].config, config) == 0 && strcmp(data[i].model, model) == 0)
            return &data[i];
    return NULL;
}

/* docs/metric.md written out directly: plain ratios, plain product, cube root. */
static void check_json_against_formula(const char *baseline)
{
    tu_run r = tu_frm(NULL, NULL, "score", "--format", "json", "--baseline", baseline,
                      dataset_file(), NULL);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    json_error_t jerr;
    json_t *rows = json_loads(r.out, 0, &jerr);
    assert_non_null(rows);
    assert_int_equal(json_array_size(rows), N_DATA);
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i);
        const char *config = json_string_value(json_object_get(row, "config_id"));
        const model_data *m = find(config, json_string_value(json_object_get(row, "model")));
        const model_data *b = find(config, baseline);
        assert_non_null(m);
        double rf = m->macs / b->macs;
        double rl = (m->latency / m->batch) / (b->latency / b->batch);
        double rm = m->memory / b->memory;
        assert_close(json_number_value(json_object_get(row, "r_flops")), rf, 1e-9);
        assert_close(json_number_value(json_object_get(row, "r_latency")), rl, 1e-9);
        assert_close(json_number_value(json_object_get(row, "r_memory")), rm, 1e-9);
        assert_close(json_number_value(json_object_get(row, "frm")), cbrt(rf * rl * rm), 1e-9);
        assert_true(json_is_number(json_object_get(row, "rank")));
        assert_true(json_is_number(json_object_get(row, "macs_rank")));
    }
    json_decref(rows);
    tu_run_free(&r);
}

static void score_json_matches_formula(void **state)
{
    (void)state;
    check_json_against_formula("resnet50");
    check_json_against_formula("mobilenetv2_100");
}

static void score_ranks_in_json(void **state)
{
    (void)state;
    /* cpu-1 by hand, baseline resnet50 (FRM = cbrt of the ratio product):
     *   squeezenet1_1   0.0854 * 0.0751 * 0.1247 -> 0.0928
     *   mobilenetv2_100 0.0736 * 0.1913 * 0.2271 -> 0.1464
     *   resnet18        0.4436 * 0.4770 * 0.5    -> 0.4695
     * MACs order: mobilenetv2_100 (0.30 G), squeezenet1_1 (0.35 G), resnet18, resnet50. */
    tu_run r = tu_frm(NULL, NULL, "score", "-f", "json", dataset_file(), NULL);
    assert_int_equal(r.status, 0);
    json_t *rows = json_loads(r.out, 0, NULL);
    const char *order[] = {"squeezenet1_1", "mobilenetv2_100", "resnet18", "resnet50"};
    const double macs_rank[] = {2, 1, 3, 4};
    for (size_t i = 0; i < 4; i++) {
        json_t *row = json_array_get(rows, i);
        assert_string_equal(json_string_value(json_object_get(row, "model")), order[i]);
        assert_true(json_number_value(json_object_get(row, "rank")) == (double)(i + 1));
        assert_true(json_number_value(json_object_get(row, "macs_rank")) == macs_rank[i]);
        assert_true(json_number_value(json_object_get(row, "rank_shift")) ==
                    macs_rank[i] - (double)(i + 1));
    }
    json_decref(rows);
    tu_run_free(&r);
}

static void score_table_and_csv(void **state)
{
    (void)state;
    tu_run r = tu_frm(NULL, NULL, "score", dataset_file(), NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "cpu-1  (box, cpu, onnxruntime; baseline resnet50)");
    assert_contains(r.out, "   1  squeezenet1_1     0.0854   0.0751    0.125   0.0928         2    +1\n");
    tu_run_free(&r);

    /* The widest table (frm_q) with a long model name still fits in 100 columns. */
    char wide[4096] = "";
    strcat(wide, tu_line("c", "d", "cpu", "resnet50", 8, 1, 16, 4, NAN, 0.8));
    strcat(wide, tu_line("c", "d", "cpu", "convnext_tiny.fb_in22k_ft_in1k_384_extra", 2, 1, 2, 2,
                         NAN, 0.75));
    r = tu_frm(wide, NULL, "score", "-m", "frm_q", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "   1  convnext_tiny.fb_in22k_~      0.5     0.25    0.125     0.75");
    for (const char *line = r.out; *line;) {
        size_t len = strcspn(line, "\n");
        assert_true(len <= 100);
        line += len + (line[len] == '\n');
    }
    tu_run_free(&r);

    const char *text = tu_line("a,\\\"b\\\"", "d", "cpu", "resnet50", 1, 1, 1, 1, NAN, NAN);
    r = tu_frm(text, NULL, "score", "--format", "csv", "-", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "config_id,device,tier,framework,model,r_flops,r_latency,r_memory,"
                           "r_energy,accuracy,frm,value,rank,macs_rank,rank_shift\n");
    assert_contains(r.out, "\"a,\"\"b\"\"\",d,cpu,onnxruntime,resnet50,1,1,1,,,1,1,1,1,0\n");
    tu_run_free(&r);
}

static void missing_baseline_fails(void **state)
{
    (void)state;
    char text[8192] = "";
    strcat(text, tu_line("good", "d", "cpu", "resnet50", 2, 1, 2, 2, NAN, NAN));
    strcat(text, tu_line("good", "d", "cpu", "m", 1, 1, 1, 1, NAN, NAN));
    strcat(text, tu_line("no-baseline-here", "d2", "edge", "m", 1, 1, 1, 1, NAN, NAN));
    const char *path = tu_write("nobase.jsonl", text);
    tu_run r = tu_frm(NULL, NULL, "score", path, NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    assert_contains(r.err, "frm: error: configuration 'no-baseline-here' has no record for "
                           "baseline 'resnet50'; configuration with it: 'good'\n");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "score", "--skip-bad", "-f", "json", path, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.err, "frm: warning: configuration 'no-baseline-here'");
    json_t *rows = json_loads(r.out, 0, NULL);
    assert_int_equal(json_array_size(rows), 2);
    json_decref(rows);
    tu_run_free(&r);
}

/* Records without MACs: one note naming them, cut short unless --verbose; the rest scored. */
static void records_without_macs_noted(void **state)
{
    (void)state;
    char text[16384] = "";
    strcat(text, tu_line("phone", "d", "edge", "resnet50", 2, 1, 20, 4e9, NAN, NAN));
    strcat(text, tu_line("phone", "d", "edge", "squeezenet1_1", 1, 1, 5, 3e8, NAN, NAN));
    static const char *const lacking[] = {"a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"};
    for (size_t i = 0; i < 8; i++)
        strcat(text, tu_line("phone", "d", "edge", lacking[i], 1, 1, 5, NAN, NAN, NAN));
    const char *path = tu_write("nomacs.jsonl", text);
    tu_run r = tu_frm(NULL, NULL, "score", "-f", "csv", path, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.err, "frm: note: 8 records in 1 configuration left out of the metric");
    assert_contains(r.err, "frm:   phone: a1 (no macs), a2 (no macs), a3 (no macs), a4 (no macs), "
                           "a5 (no macs), a6 (no macs) and 2 more\n");
    assert_contains(r.out, "squeezenet1_1");
    assert_null(strstr(r.out, "a1,"));
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "score", "--verbose", "-f", "csv", path, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.err, "a6 (no macs), a7 (no macs), a8 (no macs)\n");
    tu_run_free(&r);
}

static void malformed_line_fails_with_place(void **state)
{
    (void)state;
    char text[8192] = "";
    strcat(text, tu_line("c", "d", "cpu", "resnet50", 2, 1, 2, 2, NAN, NAN));
    strcat(text, tu_line("c", "d", "cpu", "m", 1, 1, 1, 1, NAN, NAN));
    strcat(text, "{\"schema\": \"frm.record/1\", \"status\": \"ok\",, }\n");
    strcat(text, tu_line("c", "d", "cpu", "n", 1, 1, 1, 1, NAN, NAN));
    const char *path = tu_write("malformed.jsonl", text);
    tu_run r = tu_frm(NULL, NULL, "score", path, NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    char expected[4200];
    snprintf(expected, sizeof expected, "frm: error: %s:3:", path);
    assert_contains(r.err, expected);
    assert_contains(r.err, "malformed JSON");
    assert_contains(r.err, "1 bad record; nothing scored");
    tu_run_free(&r);

    /* --skip-bad scores the three good lines */
    r = tu_frm(NULL, NULL, "score", "--skip-bad", "--format", "csv", path, NULL);
    assert_int_equal(r.status, 0);
    size_t lines = 0;
    for (const char *p = r.out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 4);   /* header + 3 rows */
    tu_run_free(&r);

    /* a field error names the field */
    strcpy(text, tu_line("c", "d", "cpu", "resnet50", 2, 1, 2, 2, NAN, NAN));
    strcat(text, "{\"schema\":\"frm.record/1\",\"status\":\"ok\",\"model\":\"m\",\"device\":\"d\","
                 "\"tier\":\"cpu\",\"framework\":\"f\",\"config_id\":\"c\",\"latency_ms\":{},"
                 "\"memory_mb\":{\"peak\":1},\"macs\":1}\n");
    path = tu_write("field.jsonl", text);
    r = tu_frm(NULL, NULL, "score", path, NULL);
    assert_int_equal(r.status, 1);
    snprintf(expected, sizeof expected,
             "frm: error: %s:2: field 'latency_ms.median' is missing (expected a number)\n", path);
    assert_contains(r.err, expected);
    tu_run_free(&r);
}

static void duplicates_and_dedupe(void **state)
{
    (void)state;
    char text[8192] = "";
    strcat(text, tu_line("c", "d", "cpu", "resnet50", 8, 1, 16, 4, NAN, NAN));
    strcat(text, tu_line("c", "d", "cpu", "a", 8, 1, 16, 4, NAN, NAN));
    strcat(text, tu_line("c", "d", "cpu", "a", 2, 1, 2, 2, NAN, NAN));
    const char *path = tu_write("dup.jsonl", text);
    tu_run r = tu_frm(NULL, NULL, "score", path, NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    char expected[8400];
    snprintf(expected, sizeof expected,
             "%s:3: duplicate record for model 'a' in configuration 'c' (first at %s:2)", path, path);
    assert_contains(r.err, expected);
    assert_contains(r.err, "--dedupe first|last keeps one");
    tu_run_free(&r);

    /* last: a is (2, 2, 2) against (4, 8, 16) -> FRM 1/4; first: a equals the baseline -> 1 */
    r = tu_frm(NULL, NULL, "score", "--dedupe", "last", "-f", "json", path, NULL);
    assert_int_equal(r.status, 0);
    json_t *rows = json_loads(r.out, 0, NULL);
    assert_close(json_number_value(json_object_get(json_array_get(rows, 0), "frm")), 0.25, 1e-12);
    json_decref(rows);
    tu_run_free(&r);
    r = tu_frm(NULL, NULL, "score", "--dedupe", "first", "-f", "json", path, NULL);
    assert_int_equal(r.status, 0);
    rows = json_loads(r.out, 0, NULL);
    assert_close(json_number_value(json_object_get(json_array_get(rows, 0), "frm")), 1.0, 1e-12);
    json_decref(rows);
    tu_run_free(&r);
}

static void metric_variants_on_the_command_line(void **state)
{
    (void)state;
    char text[8192] = "";
    strcat(text, tu_line("q", "d", "edge", "resnet50", 8, 1, 16, 4, 32, 0.8));
    strcat(text, tu_line("q", "d", "edge", "a", 2, 1, 2, 2, 2, 0.75));
    const char *path = tu_write("variants.jsonl", text);
    /* same hand values as test_metric: 0.3125 (error ratio), 1 (paper), 2^-2.5 (energy) */
    const struct {
        const char *metric, *rule, *key;
        double expected;
    } cases[] = {
        {"frm_q", "error-ratio", "frm_q", 0.3125},
        {"frm_q", "paper", "frm_q", 1.0},
        {"frm_e", "error-ratio", "frm_e", 0.17677669529663687},
    };
    for (size_t i = 0; i < 3; i++) {
        tu_run r = tu_frm(NULL, NULL, "score", "-m", cases[i].metric, "--frm-q", cases[i].rule,
                          "-f", "json", path, NULL);
        assert_int_equal(r.status, 0);
        json_t *rows = json_loads(r.out, 0, NULL);
        json_t *a = json_array_get(rows, 0);
        assert_string_equal(json_string_value(json_object_get(a, "model")), "a");
        assert_close(json_number_value(json_object_get(a, cases[i].key)), cases[i].expected, 1e-12);
        assert_close(json_number_value(json_object_get(a, "frm")), 0.25, 1e-12);
        json_decref(rows);
        tu_run_free(&r);
    }
    tu_run r = tu_frm(NULL, NULL, "score", "-m", "frm_e", dataset_file(), NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    assert_contains(r.err, "energy_mj is missing, and frm_e needs it for every model");
    tu_run_free(&r);
}

static void usage_errors(void **state)
{
    (void)state;
    const struct {
        const char *args[4];
        const char *message;
    } cases[] = {
        {{"score", NULL}, "frm: no input files (give '-' to read standard input)\n"},
        {{"score", "--metric", "speed", NULL}, "unknown metric 'speed' (use frm, frm_e or frm_q)"},
        {{"score", "--format", "xml", "x", }, "unknown format 'xml' (use table, json or csv)"},
        {{"score", "--frm-q", "inverse", "x"}, "unknown FRM_Q rule 'inverse'"},
        {{"score", "--dedupe", "middle", "x"}, "unknown --dedupe 'middle' (use first or last)"},
        {{"score", "--baseline", NULL}, "option '--baseline' needs a value"},
        {{"score", "--no-such", "x", NULL}, "unknown option '--no-such'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_run r = tu_frm(NULL, NULL, cases[i].args[0], cases[i].args[1], cases[i].args[2],
                          cases[i].args[3], NULL);
        assert_int_equal(r.status, 2);
        assert_string_equal(r.out, "");
        assert_contains(r.err, cases[i].message);
        assert_contains(r.err, "Try 'frm help score' for more information.");
        tu_run_free(&r);
    }
}

static void io_failures(void **state)
{
    (void)state;
    tu_run r = tu_frm(NULL, NULL, "score", "/nonexistent/records.jsonl", NULL);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.err, "frm: error: cannot open '/nonexistent/records.jsonl': "
                               "No such file or directory\n");
    tu_run_free(&r);

    /* A result that cannot be written is a failure, not a success. */
    r = tu_frm(NULL, "/dev/full", "score", dataset_file(), NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "frm: error: write failure on standard output: No space left on device");
    tu_run_free(&r);
}

static void stdin_and_several_files(void **state)
{
    (void)state;
    char first[4096] = "", second[4096] = "";
    strcat(first, tu_line("c", "d", "cpu", "resnet50", 8, 1, 16, 4, NAN, NAN));
    strcat(second, tu_line("c", "d", "cpu", "a", 2, 1, 2, 2, NAN, NAN));
    tu_run r = tu_frm(second, NULL, "score", "-f", "csv", tu_write("first.jsonl", first), "-", NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "c,d,cpu,onnxruntime,a,0.5,0.25,0.125,,,0.25,0.25,1,1,0\n");
    tu_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_and_help),
        cmocka_unit_test(info_reports_loaded_runtime),
        cmocka_unit_test(score_json_matches_formula),
        cmocka_unit_test(score_ranks_in_json),
        cmocka_unit_test(score_table_and_csv),
        cmocka_unit_test(missing_baseline_fails),
        cmocka_unit_test(records_without_macs_noted),
        cmocka_unit_test(malformed_line_fails_with_place),
        cmocka_unit_test(duplicates_and_dedupe),
        cmocka_unit_test(metric_variants_on_the_command_line),
        cmocka_unit_test(usage_errors),
        cmocka_unit_test(io_failures),
        cmocka_unit_test(stdin_and_several_files),
    };
    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
