/*
 * tests/test_predict.c - frm predict: the predictor against a hand
 * calculation and against data whose truth is known by construction, its
 * intervals' coverage, leave-one-device-out, anchor choice, and the
 * command's output and errors.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "predict/predict.h"
#include "testutil.h"
#include "testutil_onnx.h"

/* A deterministic stream of uniforms in (0, 1) and standard normals. */
static uint64_t state = 20261207u;

static double uniform(void)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(state >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
    return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform());
}

typedef struct loaded {
    frm_dataset *ds;
    frmi_pred_matrix m;
} loaded;

static void load(loaded *l, const char *name, const char *text)
{
    frm_error err;
    assert_int_equal(frm_dataset_new(&l->ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(l->ds, tu_write(name, text), NULL, NULL, &err), FRM_OK);
    assert_int_equal(frmi_pred_matrix_build(l->ds, &l->m, &err), FRM_OK);
}

static void unload(loaded *l)
{
    frmi_pred_matrix_release(&l->m);
    frm_dataset_free(l->ds);
}

static size_t col(const loaded *l, const char *model)
{
    size_t j = frmi_pred_model_index(&l->m, model);
    assert_true(j != SIZE_MAX);
    return j;
}

static void append(char **text, size_t *len, const char *line)
{
    size_t n = strlen(line);
    *text = realloc(*text, *len + n + 1);
    assert_non_null(*text);
    memcpy(*text + *len, line, n + 1);
    *len += n;
}

/*
 * Two configurations, three anchors, one more model x.  Target anchors:
 * 2, 4, 8 ms.  A: 1, 2, 4 ms (the same shape, half as fast), x = 3 ms.
 * B: 1, 1, 1 ms, x = 10 ms.  By hand: A's residuals are all ln 2 (scale
 * 2, distance 0); B's are ln 2 (1, 2, 3): scale e^(2 ln 2) = 4, distance
 * ln 2 sqrt(2/3) = 0.565953.  Weights 1/0.03^2 and 1/(0.565953+0.03)^2;
 * x = e^((w_A ln 6 + w_B ln 40) / (w_A + w_B)).
 */
static void hand_calculation(void **state_)
{
    (void)state_;
    char *text = NULL;
    size_t len = 0;
    const double a[] = {1, 2, 4, 3}, b[] = {1, 1, 1, 10};
    const char *models[] = {"a1", "a2", "a3", "x"};
    for (int i = 0; i < 4; i++) {
        append(&text, &len, tu_line("A", "devA", "edge", models[i], a[i], 1, NAN, NAN, NAN, NAN));
        append(&text, &len, tu_line("B", "devB", "gpu", models[i], b[i], 1, NAN, NAN, NAN, NAN));
    }
    loaded l;
    load(&l, "hand.jsonl", text);
    free(text);
    size_t anchors[3] = {col(&l, "a1"), col(&l, "a2"), col(&l, "a3")};
    double y[3] = {log(2), log(4), log(8)};
    frmi_pred_target t = {anchors, y, 3};
    frmi_pred_options o = {0, 0, 0};
    frmi_pred_result r;
    frm_error err;
    assert_int_equal(frmi_pred_run(&l.m, NULL, &t, &o, &r, &err), FRM_OK);

    double d_b = log(2) * sqrt(2.0 / 3.0);
    assert_true(fabs(d_b - 0.565953) < 1e-6);
    double w_a = 1 / (0.03 * 0.03), w_b = 1 / ((d_b + 0.03) * (d_b + 0.03));
    double expected = exp((w_a * log(6) + w_b * log(40)) / (w_a + w_b));
    assert_true(fabs(exp(r.log_latency[col(&l, "x")]) - expected) < 1e-9);
    assert_true(fabs(expected - 6.0290) < 1e-3);
    /* the neighbours: A first, with its share of the four predictions */
    assert_int_equal(r.n_neighbours, 2);
    const frm_config *first = l.m.configs[r.neighbours[0].config];
    assert_string_equal(first->config_id, "A");
    assert_true(fabs(r.neighbours[0].distance) < 1e-12);
    assert_true(fabs(exp(r.neighbours[0].log_scale) - 2) < 1e-12);
    assert_true(fabs(r.neighbours[1].distance - d_b) < 1e-12);
    assert_true(fabs(exp(r.neighbours[1].log_scale) - 4) < 1e-12);
    assert_true(fabs(r.neighbours[0].weight - w_a / (w_a + w_b)) < 1e-12);
    assert_true(fabs(r.neighbours[0].weight + r.neighbours[1].weight - 1) < 1e-12);
    frmi_pred_result_release(&r);

    /* with one neighbour, x is A's, scaled: 6 ms */
    o.neighbours = 1;
    assert_int_equal(frmi_pred_run(&l.m, NULL, &t, &o, &r, &err), FRM_OK);
    assert_true(fabs(exp(r.log_latency[col(&l, "x")]) - 6) < 1e-12);
    frmi_pred_result_release(&r);

    /* A left out (not usable): only B's shape remains, x = 10 x 4 = 40 ms */
    bool usable[2];
    for (size_t c = 0; c < 2; c++)
        usable[c] = strcmp(l.m.configs[c]->config_id, "A") != 0;
    o.neighbours = 0;
    assert_int_equal(frmi_pred_run(&l.m, usable, &t, &o, &r, &err), FRM_OK);
    assert_true(fabs(exp(r.log_latency[col(&l, "x")]) - 40) < 1e-9);
    frmi_pred_result_release(&r);

    /* too few anchors, an anchor latency that is no number, anchors nobody measured */
    t.n_anchors = 1;
    assert_int_equal(frmi_pred_run(&l.m, NULL, &t, &o, &r, &err), FRM_E_ARGUMENT);
    assert_non_null(strstr(err.message, "at least 2 models"));
    t.n_anchors = 3;
    y[1] = NAN;
    assert_int_equal(frmi_pred_run(&l.m, NULL, &t, &o, &r, &err), FRM_E_ARGUMENT);
    assert_non_null(strstr(err.message, "anchor 'a2'"));
    y[1] = log(4);
    for (size_t c = 0; c < 2; c++)
        usable[c] = false;
    assert_int_equal(frmi_pred_run(&l.m, usable, &t, &o, &r, &err), FRM_E_ARGUMENT);
    assert_non_null(strstr(err.message, "no configuration of the dataset measured all 3"));
    unload(&l);
}

/*
 * ln latency = a_c + b_m + s_c g_m + noise: configurations differ by a
 * scale and by how much one hidden property of the models costs them.
 * `twin` adds a copy of the first configuration on the same device.
 */
static char *synthetic(size_t n_configs, size_t n_models, double noise, bool twin)
{
    char *text = NULL;
    size_t len = 0;
    double *b = malloc(n_models * sizeof *b), *g = malloc(n_models * sizeof *g);
    double *first = malloc(n_models * sizeof *first);
    for (size_t j = 0; j < n_models; j++) {
        b[j] = 2 * normal();
        g[j] = normal();
    }
    for (size_t c = 0; c < n_configs + twin; c++) {
        bool is_twin = c == n_configs;
        double a = normal(), s = 0.5 * normal();
        char config[32], device[32], model[32];
        snprintf(config, sizeof config, is_twin ? "cfg0-twin" : "cfg%zu", c);
        snprintf(device, sizeof device, "dev%zu", is_twin ? (size_t)0 : c);
        for (size_t j = 0; j < n_models; j++) {
            snprintf(model, sizeof model, "m%zu", j);
            /* the twin repeats the first configuration's measurements exactly */
            double v = is_twin ? first[j] : a + b[j] + s * g[j] + noise * normal();
            if (c == 0)
                first[j] = v;
            append(&text, &len, tu_line(config, device, c % 3 ? "edge" : "gpu", model, exp(v), 1,
                                        NAN, 1e9 * exp(b[j]), NAN, NAN));
        }
    }
    free(b);
    free(g);
    free(first);
    return text;
}

/* Configurations that differ by one factor only: predicted exactly, with zero-width intervals. */
static void exact_when_one_factor(void **state_)
{
    (void)state_;
    char *text = NULL;
    size_t len = 0;
    double b[30];
    for (size_t j = 0; j < 30; j++)
        b[j] = 3 * uniform();
    for (size_t c = 0; c < 12; c++) {
        char config[16], device[16], model[16];
        snprintf(config, sizeof config, "c%zu", c);
        snprintf(device, sizeof device, "d%zu", c);
        double a = normal();
        for (size_t j = 0; j < 30; j++) {
            snprintf(model, sizeof model, "m%zu", j);
            append(&text, &len, tu_line(config, device, "cpu", model, exp(a + b[j]), 1, NAN, NAN,
                                        NAN, NAN));
        }
    }
    loaded l;
    load(&l, "onefactor.jsonl", text);
    free(text);
    size_t anchors[3] = {col(&l, "m3"), col(&l, "m11"), col(&l, "m20")};
    double target_a = 1.7, y[3];
    for (int i = 0; i < 3; i++)
        y[i] = target_a + b[(const int[]){3, 11, 20}[i]];
    frmi_pred_target t = {anchors, y, 3};
    frmi_pred_options o = {0, 0, 0};
    frmi_pred_result r;
    frm_error err;
    assert_int_equal(frmi_pred_run(&l.m, NULL, &t, &o, &r, &err), FRM_OK);
    for (size_t j = 0; j < 30; j++) {
        char model[16];
        snprintf(model, sizeof model, "m%zu", j);
        size_t k = col(&l, model);
        assert_true(fabs(r.log_latency[k] - (target_a + b[j])) < 1e-9);
        assert_true(r.log_hi[k] - r.log_lo[k] < 1e-9);
    }
    frmi_pred_result_release(&r);
    unload(&l);
}

/* Noisy data: the 90% interval holds about 90% of held-out truths; frm beats MACs. */
static void calibrated_and_better_than_macs(void **state_)
{
    (void)state_;
    char *text = synthetic(60, 25, 0.05, false);
    loaded l;
    load(&l, "noisy.jsonl", text);
    free(text);
    size_t anchors[3] = {col(&l, "m0"), col(&l, "m1"), col(&l, "m2")};
    frmi_pred_eval_options o = {{0, 0, 0}, FRMI_PRED_BY_DEVICE, anchors, 3, 0};
    frmi_pred_evaluation ev;
    frm_error err;
    assert_int_equal(frmi_pred_evaluate(&l.m, &o, &ev, &err), FRM_OK);
    const frmi_pred_scores *frm = &ev.all[FRMI_PRED_FRM], *macs = &ev.all[FRMI_PRED_MACS];
    assert_int_equal(ev.n_folds, 60);
    assert_int_equal(frm->n_targets, 60);
    assert_int_equal(frm->n_predictions, 60 * 22);
    assert_true(frm->coverage > 0.8 && frm->coverage < 0.97);
    assert_true(frm->mean_rho > macs->mean_rho);
    assert_true(frm->median_ape < ev.all[FRMI_PRED_MACS_FIT].median_ape);
    /* MACs rank by b_m alone, which the s_c g_m term blurs: rho well below 1 */
    assert_true(macs->mean_rho < 0.99);
    /* the tiers add up to all */
    assert_int_equal(ev.tier[FRM_TIER_GPU][FRMI_PRED_FRM].n_targets +
                         ev.tier[FRM_TIER_EDGE][FRMI_PRED_FRM].n_targets,
                     60);
    assert_true(ev.reference != SIZE_MAX);
    unload(&l);
}

/* Leaving a device out leaves out all its configurations: a twin cannot give itself away. */
static void device_left_out_whole(void **state_)
{
    (void)state_;
    char *text = synthetic(10, 20, 0.3, true);
    loaded l;
    load(&l, "twin.jsonl", text);
    free(text);
    size_t anchors[3] = {col(&l, "m0"), col(&l, "m1"), col(&l, "m2")};
    frmi_pred_eval_options o = {{1, 0, 0}, FRMI_PRED_BY_CONFIG, anchors, 3, 0};
    frmi_pred_evaluation by_config, by_device;
    frm_error err;
    assert_int_equal(frmi_pred_evaluate(&l.m, &o, &by_config, &err), FRM_OK);
    o.group = FRMI_PRED_BY_DEVICE;
    assert_int_equal(frmi_pred_evaluate(&l.m, &o, &by_device, &err), FRM_OK);
    assert_int_equal(by_config.n_folds, 11);
    assert_int_equal(by_device.n_folds, 10);
    /*
     * One configuration out: the twins predict each other exactly (rho 1
     * for 2 of 11 targets).  A device out: neither sees the other, and the
     * other nine targets are predicted as before, so the mean drops.
     */
    const frmi_pred_scores *c = &by_config.all[FRMI_PRED_NEAREST];
    const frmi_pred_scores *d = &by_device.all[FRMI_PRED_NEAREST];
    assert_int_equal(c->n_targets, 11);
    assert_int_equal(d->n_targets, 11);
    assert_true(c->mean_rho > d->mean_rho + 1e-3);
    assert_true(c->median_ape < d->median_ape);
    unload(&l);
}

/* The command: a table, JSON whose numbers are the library's, records that score leaves out. */
static void command_output(void **state_)
{
    (void)state_;
    char *text = synthetic(12, 15, 0.05, false);
    const char *dataset = tu_write("cli-dataset.jsonl", text);
    free(text);
    char target[4096] = "";
    strcat(target, tu_line("here/ort", "here", "cpu", "m0", 2.0, 1, NAN, NAN, NAN, NAN));
    strcat(target, tu_line("here/ort", "here", "cpu", "m1", 7.0, 1, NAN, NAN, NAN, NAN));
    strcat(target, tu_line("here/ort", "here", "cpu", "m2", 30.0, 4, NAN, NAN, NAN, NAN));
    const char *anchors = tu_write("cli-target.jsonl", target);
    char out_path[1100];
    snprintf(out_path, sizeof out_path, "%s/predicted.jsonl", tu_tmpdir());

    tu_run r = tu_frm(NULL, NULL, "predict", "--dataset", dataset, "-f", "json", "-o", out_path,
                      anchors, NULL);
    assert_int_equal(r.status, 0);
    json_error_t jerr;
    json_t *doc = json_loads(r.out, 0, &jerr);
    assert_non_null(doc);
    json_t *models = json_object_get(doc, "models");
    assert_int_equal(json_array_size(models), 15);
    size_t measured = 0;
    double last = 0;
    for (size_t i = 0; i < 15; i++) {
        json_t *m = json_array_get(models, i);
        double ms = json_number_value(json_object_get(m, "latency_ms"));
        assert_true(ms >= last);   /* sorted by latency, ranks in order */
        last = ms;
        assert_int_equal(json_integer_value(json_object_get(m, "rank")), (json_int_t)i + 1);
        if (json_is_true(json_object_get(m, "measured"))) {
            measured++;
            const char *name = json_string_value(json_object_get(m, "model"));
            /* per sample: the batch-4 anchor's 30 ms is 7.5 ms */
            assert_true(ms == (strcmp(name, "m0") == 0 ? 2.0 : strcmp(name, "m1") == 0 ? 7.0 : 7.5));
        } else {
            json_t *iv = json_object_get(m, "interval_ms");
            assert_true(json_number_value(json_array_get(iv, 0)) <= ms);
            assert_true(json_number_value(json_array_get(iv, 1)) >= ms);
        }
    }
    assert_int_equal(measured, 3);
    double weights = 0;
    json_t *nb = json_object_get(doc, "neighbours");
    for (size_t i = 0; i < json_array_size(nb); i++)
        weights += json_number_value(json_object_get(json_array_get(nb, i), "weight"));
    assert_true(fabs(weights - 1) < 1e-9);
    json_decref(doc);
    tu_run_free(&r);

    /* the records: 12 predictions, marked; score and analyze do not take them as measurements */
    char *records = tu_read(out_path);
    assert_non_null(records);
    size_t lines = 0;
    for (const char *p = records; (p = strchr(p, '\n')); p++)
        lines++;
    assert_int_equal(lines, 12);
    assert_non_null(strstr(records, "\"source\":\"predict:neighbours\""));
    assert_non_null(strstr(records, "\"predicted\":true"));
    assert_non_null(strstr(records, "\"config_id\":\"here/ort/predicted\""));
    free(records);
    r = tu_frm(NULL, NULL, "score", out_path, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "12 records of 'frm predict' left out");
    tu_run_free(&r);

    /* the table names the anchors and what it leaned on */
    r = tu_frm(NULL, NULL, "predict", "--dataset", dataset, anchors, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Predicted for here/ort (here, cpu) from 3 anchors: m0 2 ms, m1 7 ms, "
                           "m2 7.5 ms");
    assert_contains(r.out, "Leaned on ");
    assert_contains(r.out, "measured");
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "predict", "--evaluate", "--dataset", dataset, "--anchors", "m0,m1,m2",
               "-f", "json", NULL);
    assert_int_equal(r.status, 0);
    doc = json_loads(r.out, 0, &jerr);
    assert_non_null(doc);
    json_t *frm = json_object_get(json_object_get(doc, "methods"), "frm");
    assert_int_equal(json_integer_value(json_object_get(frm, "targets")), 12);
    json_decref(doc);
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "predict", "--suggest-anchors", "2", "--dataset", dataset, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Anchors to measure:\n  1. m");
    tu_run_free(&r);
}

/* Each bad request: a message that says what is wrong, and the exit status. */
static void command_errors(void **state_)
{
    (void)state_;
    char *text = synthetic(6, 8, 0.05, false);
    const char *dataset = tu_write("err-dataset.jsonl", text);
    free(text);
    char two[4096] = "";
    strcat(two, tu_line("a/ort", "a", "cpu", "m0", 2.0, 1, NAN, NAN, NAN, NAN));
    strcat(two, tu_line("b/ort", "b", "cpu", "m1", 7.0, 1, NAN, NAN, NAN, NAN));
    const char *spread = tu_write("err-spread.jsonl", two);
    const char *one = tu_write("err-one.jsonl",
                               tu_line("a/ort", "a", "cpu", "m0", 2.0, 1, NAN, NAN, NAN, NAN));
    char unknown[4096] = "";
    strcat(unknown, tu_line("a/ort", "a", "cpu", "m0", 2.0, 1, NAN, NAN, NAN, NAN));
    strcat(unknown, tu_line("a/ort", "a", "cpu", "nosuch", 7.0, 1, NAN, NAN, NAN, NAN));
    const char *lacks = tu_write("err-unknown.jsonl", unknown);
    const char *single = tu_write("err-single.jsonl",
                                  tu_line("c/ort", "c", "cpu", "m0", 1, 1, NAN, NAN, NAN, NAN));
    const char *bad_latency = tu_write("err-latency.jsonl",
                                       "{\"schema\":\"frm.record/1\",\"status\":\"ok\","
                                       "\"model\":\"m0\",\"device\":\"a\",\"tier\":\"cpu\","
                                       "\"framework\":\"ort\",\"config_id\":\"a/ort\","
                                       "\"latency_ms\":{\"median\":-1}}\n");
    static const struct {
        const char *args[8];
        int status;
        const char *message;
    } cases[] = {
        {{"predict", "TARGET", NULL}, 2, "no --dataset"},
        {{"predict", "--dataset", "DATA", NULL}, 2, "no TARGET"},
        {{"predict", "--evaluate", "--dataset", "DATA", "TARGET", NULL}, 2, "takes no TARGET"},
        {{"predict", "--dataset", "DATA", "--anchors", "3", "TARGET", NULL}, 2,
         "go with --evaluate"},
        {{"predict", "--dataset", "DATA", "--coverage", "1.5", "TARGET", NULL}, 2, "--coverage"},
        {{"predict", "--dataset", "DATA", "--bench", NULL}, 2, "--bench measures the TARGET"},
        {{"predict", "--evaluate", "--dataset", "DATA", "--anchors", "m0,nosuch", NULL}, 2,
         "'nosuch' is no model of the dataset"},
        {{"predict", "--evaluate", "--dataset", "DATA", "--anchors", "1", NULL}, 2, "--anchors"},
        {{"predict", "--dataset", "DATA", "SPREAD", NULL}, 1,
         "spread over 2 configurations ('a/ort', 'b/ort')"},
        {{"predict", "--dataset", "DATA", "ONE", NULL}, 1, "1 anchor: the shape"},
        {{"predict", "--dataset", "DATA", "UNKNOWN", NULL}, 1,
         "err-unknown.jsonl:2) is in no configuration of the dataset"},
        {{"predict", "--dataset", "SINGLE", "ONE", NULL}, 1, "the dataset has 1 configuration"},
        {{"predict", "--dataset", "DATA", "LATENCY", NULL}, 1,
         "err-latency.jsonl:1: anchor 'm0': latency -1 ms is not a positive number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *argv[8] = {NULL};
        for (size_t k = 0; k < 8 && cases[i].args[k]; k++) {
            const char *a = cases[i].args[k];
            argv[k] = strcmp(a, "DATA") == 0       ? dataset
                      : strcmp(a, "TARGET") == 0   ? one
                      : strcmp(a, "SPREAD") == 0   ? spread
                      : strcmp(a, "ONE") == 0      ? one
                      : strcmp(a, "UNKNOWN") == 0  ? lacks
                      : strcmp(a, "SINGLE") == 0   ? single
                      : strcmp(a, "LATENCY") == 0  ? bad_latency
                                                   : a;
        }
        tu_run r = tu_frm(NULL, NULL, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5],
                          argv[6], argv[7]);
        if (r.status != cases[i].status || !strstr(r.err, cases[i].message))
            fail_msg("case %zu: status %d, stderr:\n%s", i, r.status, r.err);
        assert_string_equal(r.out, "");
        tu_run_free(&r);
    }
}

/* --bench: the anchors measured here through frm bench's harness, then predicted from. */
static void bench_then_predict(void **state_)
{
    (void)state_;
    char *text = NULL;
    size_t len = 0;
    const char *names[] = {"tiny_a", "tiny_b", "tiny_c", "other_1", "other_2"};
    const double base[] = {1, 2, 4, 3, 8};
    for (size_t c = 0; c < 4; c++) {
        char config[16], device[16];
        snprintf(config, sizeof config, "c%zu/ort", c);
        snprintf(device, sizeof device, "d%zu", c);
        for (size_t j = 0; j < 5; j++)
            append(&text, &len, tu_line(config, device, "cpu", names[j], base[j] * (1 + (double)c),
                                        1, NAN, NAN, NAN, NAN));
    }
    const char *dataset = tu_write("bench-dataset.jsonl", text);
    free(text);
    const char *a = tu_matmul_relu_model("tiny_a", 64);
    const char *b = tu_matmul_relu_model("tiny_b", 96);
    const char *c = tu_matmul_relu_model("tiny_c", 128);
    tu_run r = tu_frm(NULL, NULL, "predict", "--dataset", dataset, "--bench", "-f", "csv", a, b, c,
                      NULL);
    assert_int_equal(r.status, 0);
    /* the three measured, the two others predicted */
    assert_contains(r.out, "rank,model,latency_ms,interval_lo_ms,interval_hi_ms,measured,macs,");
    assert_contains(r.out, ",tiny_a,");
    assert_contains(r.out, ",other_1,");
    size_t measured = 0;
    for (const char *p = r.out; (p = strstr(p, ",true,")); p++)
        measured++;
    assert_int_equal(measured, 3);
    tu_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_calculation),
        cmocka_unit_test(exact_when_one_factor),
        cmocka_unit_test(calibrated_and_better_than_macs),
        cmocka_unit_test(device_left_out_whole),
        cmocka_unit_test(command_output),
        cmocka_unit_test(command_errors),
        cmocka_unit_test(bench_then_predict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
