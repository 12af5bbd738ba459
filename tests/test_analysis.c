/*
 * tests/test_analysis.c - `frm analyze` and `frm select` on datasets small
 * enough to compute by hand, and every way their input can be wrong.
 * tests/check_analysis.py holds the full analysis to scipy.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* Appends one record line to a growing dataset text. */
static void add(char *buf, size_t size, const char *config, const char *device, const char *tier,
                const char *model, double latency, double memory, double macs, double accuracy)
{
    strncat(buf, tu_line(config, device, tier, model, latency, 1, memory, macs, NAN, accuracy),
            size - strlen(buf) - 1);
}

/*
 * Two configurations, a gpu and an edge one, four models, equal memory:
 *
 *   model     MACs   lat gpu  lat edge   MACs x lat gpu   MACs x lat edge
 *   resnet50  4      10       10         40               40
 *   m1        1      2        8          2                8
 *   m2        2      5        5          10               10
 *   m3        8      20       30         160              240
 *
 * FRM is the cube root of MACs x latency relative to resnet50, so it ranks
 * as the product does: m1, m2, resnet50, m3 on both, rho 1, every model
 * pair in the same order.  Latency ranks: gpu m1 1, m2 2, r50 3, m3 4;
 * edge m2 1, m1 2, r50 3, m3 4: d = (1, 1, 0, 0), rho = 1 - 6 * 2 /
 * (4 * 15) = 0.8.  Memory is the same for every model: its rho is
 * undefined.
 */
static const char *two_tier_dataset(void)
{
    static char buf[8192];
    buf[0] = '\0';
    static const struct {
        const char *model;
        double macs, gpu, edge;
    } rows[] = {{"resnet50", 4e9, 10, 10}, {"m1", 1e9, 2, 8}, {"m2", 2e9, 5, 5},
                {"m3", 8e9, 20, 30}};
    for (size_t i = 0; i < 4; i++)
        add(buf, sizeof buf, "g/ort", "gpu0", "gpu", rows[i].model, rows[i].gpu, 100,
            rows[i].macs, 0.7);
    for (size_t i = 0; i < 4; i++)
        add(buf, sizeof buf, "e/tflite", "phone", "edge", rows[i].model, rows[i].edge, 100,
            rows[i].macs, 0.7);
    return tu_write("two_tier.jsonl", buf);
}

static json_t *analyze_json(const char *path, const char *extra)
{
    tu_run r = extra ? tu_frm(NULL, NULL, "analyze", "--format", "json", extra, path, NULL)
                     : tu_frm(NULL, NULL, "analyze", "--format", "json", path, NULL);
    if (r.status != 0)
        fprintf(stderr, "%s", r.err);
    assert_int_equal(r.status, 0);
    json_error_t e;
    json_t *doc = json_loads(r.out, 0, &e);
    assert_non_null(doc);
    tu_run_free(&r);
    return doc;
}

/* The number at a dotted path ("a.b.c"); NaN for null. */
static double at(json_t *doc, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *v = doc;
    for (char *tok = strtok(buf, "."); tok; tok = strtok(NULL, ".")) {
        v = json_object_get(v, tok);
        if (!v) {
            fprintf(stderr, "no key %s in %s\n", tok, path);
            fail();
        }
    }
    if (json_is_null(v))
        return NAN;
    assert_true(json_is_number(v));
    return json_number_value(v);
}

static void test_hand_computed_figures(void **state)
{
    (void)state;
    json_t *doc = analyze_json(two_tier_dataset(), NULL);
    assert_close(at(doc, "stability.latency.mean"), 0.8, 1e-12);
    assert_close(at(doc, "stability.frm.mean"), 1.0, 1e-12);
    assert_same(at(doc, "stability.frm.std"), NAN);          /* one pair */
    assert_same(at(doc, "stability.frm.n_pairs"), 1);
    assert_close(at(doc, "stability.macs.mean"), 1.0, 1e-12);
    assert_same(at(doc, "stability.memory.n_pairs"), 0);
    assert_same(at(doc, "stability.memory.n_undefined"), 1);
    assert_same(at(doc, "stability.memory.mean"), NAN);
    /* four models: rho 0.8 has t = 0.8 sqrt(2 / 0.36) = 1.8856, p = 0.2 */
    assert_same(at(doc, "stability.latency.share_significant"), 0);
    assert_close(at(doc, "transfer.by_tier_pair.gpu->edge.frm_mean"), 1.0, 1e-12);
    assert_close(at(doc, "transfer.by_tier_pair.gpu->edge.latency_mean"), 0.8, 1e-12);
    assert_close(at(doc, "transfer.by_tier_pair.gpu->edge.pairwise_accuracy_mean"), 1.0, 1e-12);
    assert_same(at(doc, "transfer.by_tier_pair.gpu->cpu.n"), 0);
    assert_same(at(doc, "transfer.by_tier_pair.gpu->cpu.frm_mean"), NAN);
    /* m1's raw latency 2 and 8: mean 5, std sqrt(18) = 4.2426, CV 0.848528 */
    json_t *v = json_object_get(doc, "variability");
    assert_same(at(v, "latency_raw.n_models"), 3);
    double cv_m1 = sqrt(18.0) / 5.0, cv_m2 = 0.0, cv_m3 = sqrt(50.0) / 25.0;
    assert_close(at(v, "latency_raw.mean_cv"), (cv_m1 + cv_m2 + cv_m3) / 3.0, 1e-12);
    assert_close(at(v, "latency_raw.median_cv"), cv_m3, 1e-12);
    /* Ratios to resnet50 (latency 10 on both) vary exactly as raw latency. */
    assert_close(at(v, "latency_ratio.mean_cv"), at(v, "latency_raw.mean_cv"), 1e-12);
    /* FRM and MACs rank both alike. */
    assert_close(at(doc, "flops.mean_rho"), 1.0, 1e-12);
    assert_same(at(doc, "flops.n_above_095"), 2);
    assert_same(at(doc, "flops.mean_rank_diff"), 0);
    assert_same(at(doc, "disagreements.n_cases"), 0);
    assert_same(at(doc, "disagreements.n_configs"), 2);
    /* No device has two configurations, no tier has two of a model's ratios. */
    assert_same(at(doc, "frameworks.n_pairs"), 0);
    assert_same(at(doc, "interactions.n_models"), 0);
    json_decref(doc);
}

/*
 * A third configuration where m1 is slow: products resnet50 40, m1 100,
 * m2 10, m3 80 rank m2 1, r50 2, m3 3, m1 4, against MACs rank 1 for m1:
 * a case three places apart, penalised.  It is on the gpu device, so the
 * device has a framework pair.
 */
static void test_disagreement_and_frameworks(void **state)
{
    (void)state;
    static char buf[8192];
    char *text = tu_read(two_tier_dataset());
    snprintf(buf, sizeof buf, "%s", text);
    free(text);
    static const struct {
        const char *model;
        double macs, lat;
    } rows[] = {{"resnet50", 4e9, 10}, {"m1", 1e9, 100}, {"m2", 2e9, 5}, {"m3", 8e9, 10}};
    for (size_t i = 0; i < 4; i++)
        add(buf, sizeof buf, "g/pytorch", "gpu0", "gpu", rows[i].model, rows[i].lat, 100,
            rows[i].macs, 0.7);
    json_t *doc = analyze_json(tu_write("three.jsonl", buf), NULL);
    /* products: r50 40, m1 100, m2 10, m3 80: ranks r50 2, m1 4, m2 1, m3 3;
     * MACs ranks r50 3, m1 1, m2 2, m3 4: m1 is 3 places worse */
    assert_same(at(doc, "disagreements.n_cases"), 1);
    assert_same(at(doc, "disagreements.penalised"), 1);
    assert_same(at(doc, "disagreements.promoted"), 0);
    assert_same(at(doc, "disagreements.by_model.m1"), 1);
    assert_same(at(doc, "disagreements.by_tier.gpu"), 1);
    assert_same(at(doc, "disagreements.by_tier.edge"), 0);
    /* frameworks: g/ort ranks (1, 2, 3, 4) for (m1, m2, r50, m3), g/pytorch
     * (4, 1, 2, 3): d = (3, 1, 1, 1), rho = 1 - 6 * 12 / 60 = -0.2 */
    assert_same(at(doc, "frameworks.n_pairs"), 1);
    assert_close(at(doc, "frameworks.mean"), -0.2, 1e-12);
    /* transfer: g/ort vs edge rho 1, all 6 model pairs alike; g/pytorch vs
     * edge (the same order as g/ort) rho -0.2, and of the 6 pairs only
     * those without m1 ({m2, r50}, {m2, m3}, {r50, m3}) keep their order */
    assert_close(at(doc, "transfer.by_tier_pair.gpu->edge.frm_mean"), 0.4, 1e-12);
    assert_close(at(doc, "transfer.by_tier_pair.gpu->edge.pairwise_accuracy_mean"), 0.75, 1e-12);
    assert_same(at(doc, "transfer.overall.n"), 2);
    json_t *pair = json_array_get(json_object_get(json_object_get(doc, "frameworks"), "pairs"), 0);
    assert_string_equal(json_string_value(json_object_get(pair, "a")), "g/ort");
    assert_string_equal(json_string_value(json_object_get(pair, "b")), "g/pytorch");
    json_decref(doc);
}

static void test_text_report_reads_like_the_paper(void **state)
{
    (void)state;
    tu_run r = tu_frm(NULL, NULL, "analyze", two_tier_dataset(), NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Stability (paper 4.1)");
    assert_contains(r.out, "frm          1.000");
    assert_contains(r.out, "latency      0.800");
    assert_contains(r.out, "FRM and latency rankings are not significantly different in stability: "
                           "mean rho 1.000 vs 0.800 over 1 configuration pair ");
    assert_contains(r.out, "gpu->edge");
    assert_contains(r.out, "Not computable: no device has two scored configurations");
    assert_contains(r.out, "ranks, and every\n  rho above, do not depend on the baseline");
    tu_run_free(&r);
    /* standard input, one section */
    char *text = tu_read(two_tier_dataset());
    r = tu_frm(text, NULL, "analyze", "--section", "flops", "-", NULL);
    free(text);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "FRM vs MACs (paper 4.4)");
    assert_null(strstr(r.out, "Stability"));
    tu_run_free(&r);
}

static void test_baselines_change_cvs_not_ranks(void **state)
{
    (void)state;
    json_t *doc = analyze_json(two_tier_dataset(), "--baselines=resnet50,m1,nosuch");
    json_t *b = json_object_get(doc, "baselines");
    assert_int_equal(json_array_size(b), 3);
    double rho0 = at(json_array_get(b, 0), "stability_frm_mean");
    double rho1 = at(json_array_get(b, 1), "stability_frm_mean");
    assert_close(rho0, 1.0, 1e-12);
    assert_close(rho1, rho0, 1e-12);
    assert_true(fabs(at(json_array_get(b, 0), "variability_frm_mean_cv") -
                     at(json_array_get(b, 1), "variability_frm_mean_cv")) > 0.01);
    assert_same(at(json_array_get(b, 2), "stability_frm_mean"), NAN);
    assert_string_equal(json_string_value(json_object_get(json_array_get(b, 2), "reason")),
                        "it is not a model of the dataset");
    json_decref(doc);
}

static void test_bad_input_is_named(void **state)
{
    (void)state;
    const char *ds = two_tier_dataset();
    static const struct {
        const char *args[4];
        int status;
        const char *message;
    } cases[] = {
        {{"--section", "stabilty", NULL}, 2, "unknown section 'stabilty'"},
        {{"--tier-of", "phone", NULL}, 2, "--tier-of 'phone': give CONFIG=TIER"},
        {{"--tier-of", "phone=tpu", NULL}, 2, "TIER gpu, cpu or edge"},
        {{"--tier-of", "nowhere=cpu", NULL}, 1, "'nowhere' is neither a config_id nor a device"},
        {{"--baseline", "vgg16", NULL}, 1, "the baseline 'vgg16' is not a model of the dataset"},
        {{"--models", "m1,,m2", NULL}, 2, "has an empty name"},
        {{"--models", "m1,vgg16", NULL}, 1, "no record of the dataset is for model 'vgg16'"},
        {{"--min-common", "2", NULL}, 2, "--min-common"},
        {{"--alpha", "1.5", NULL}, 2, "--alpha"},
        {{"--metric", "frm_x", NULL}, 2, "unknown --metric 'frm_x'"},
        {{"--format", "csv", NULL}, 2, "unknown --format 'csv'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tu_run r = cases[i].args[1]
                       ? tu_frm(NULL, NULL, "analyze", cases[i].args[0], cases[i].args[1], ds, NULL)
                       : tu_frm(NULL, NULL, "analyze", cases[i].args[0], ds, NULL);
        assert_int_equal(r.status, cases[i].status);
        assert_contains(r.err, cases[i].message);
        assert_string_equal(r.out, "");
        tu_run_free(&r);
    }
    tu_run r = tu_frm(NULL, NULL, "analyze", NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "no input files");
    tu_run_free(&r);

    /* A bad record: named with file:line, nothing written unless --skip-bad. */
    char buf[8192];
    char *text = tu_read(ds);
    snprintf(buf, sizeof buf, "%s{\"schema\":\"frm.record/1\",\"status\":\"ok\"}\n", text);
    const char *bad = tu_write("bad.jsonl", buf);
    r = tu_frm(NULL, NULL, "analyze", bad, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "bad.jsonl:9");
    assert_string_equal(r.out, "");
    tu_run_free(&r);
    r = tu_frm(NULL, NULL, "analyze", "--skip-bad", "--section", "stability", bad, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.err, "1 bad record left out");
    assert_contains(r.out, "frm          1.000");
    tu_run_free(&r);

    /* A configuration without the baseline is named, the rest analysed. */
    snprintf(buf, sizeof buf, "%s%s", text,
             tu_line("lone", "pi", "edge", "m1", 50, 1, 10, 1e9, NAN, NAN));
    free(text);
    r = tu_frm(NULL, NULL, "analyze", "--format", "json", tu_write("lone.jsonl", buf), NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "\"config_id\": \"lone\"");
    assert_contains(r.out, "has no record for baseline 'resnet50'");
    assert_contains(r.err, "1 configuration left out");
    tu_run_free(&r);

    /* One configuration: every comparison is null, and the text says why. */
    r = tu_frm(NULL, NULL, "analyze", "--section", "stability,transfer",
               tu_write("one.jsonl", tu_line("only", "d", "cpu", "resnet50", 1, 1, 1, 1, NAN,
                                             NAN)), NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "Not computable: 1 scored configuration, and a comparison needs two");
    assert_contains(r.out, "span fewer than two known tiers");
    tu_run_free(&r);
}

/*
 * The paper's section 5 in miniature.  Reference "ref" (resnet50: 4 GMACs,
 * 10 ms, 100 MB); memory 50 MB for the others:
 *
 *   model  GMACs  ms  top-1   FRM = (MACs/4 x ms/10 x 50/100)^(1/3)
 *   a      0.2    9   0.765   0.0225^(1/3) = 0.2823
 *   b      0.3    2   0.752   0.0075^(1/3) = 0.1957
 *   c      0.4    3   0.771   0.0150^(1/3) = 0.2466
 *   d      1.8    4   0.698   below the 70% floor
 *
 * MACs pick a, FRM pick b.  On the target a takes 124 ms (misses 100 ms),
 * b 47 ms (meets; fastest).  Pareto on (accuracy, FRM): b (best FRM) and c
 * (best accuracy); a is beaten by c on both, resnet50 too.
 */
static const char *selection_dataset(void)
{
    static char buf[8192];
    buf[0] = '\0';
    static const struct {
        const char *model;
        double gmacs, ms, mem, acc, target;
    } rows[] = {{"resnet50", 4, 10, 100, 0.761, 200}, {"a", 0.2, 9, 50, 0.765, 124},
                {"b", 0.3, 2, 50, 0.752, 47},         {"c", 0.4, 3, 50, 0.771, 63},
                {"d", 1.8, 4, 50, 0.698, 80}};
    for (size_t i = 0; i < 5; i++) {
        add(buf, sizeof buf, "ref", "rtx4090", "gpu", rows[i].model, rows[i].ms, rows[i].mem,
            rows[i].gmacs * 1e9, rows[i].acc);
        /* the target has no baseline record: it needs none */
        if (i > 0)
            add(buf, sizeof buf, "tgt", "galaxy-s21", "edge", rows[i].model, rows[i].target,
                rows[i].mem, rows[i].gmacs * 1e9, rows[i].acc);
    }
    return tu_write("select.jsonl", buf);
}

static void test_select_case_study(void **state)
{
    (void)state;
    const char *ds = selection_dataset();
    tu_run r = tu_frm(NULL, NULL, "select", "--reference", "ref", "--target", "galaxy-s21",
                      "--max-latency-ms", "100", "--min-accuracy", "70", "--format", "json", ds,
                      NULL);
    assert_int_equal(r.status, 0);
    json_t *doc = json_loads(r.out, 0, NULL);
    assert_non_null(doc);
    json_t *macs = json_object_get(doc, "macs_pick"), *frm = json_object_get(doc, "frm_pick");
    assert_string_equal(json_string_value(json_object_get(macs, "model")), "a");
    assert_true(json_is_false(json_object_get(macs, "meets_limit")));
    assert_string_equal(json_string_value(json_object_get(frm, "model")), "b");
    assert_true(json_is_true(json_object_get(frm, "meets_limit")));
    assert_close(json_number_value(json_object_get(frm, "target_latency_ms")), 47, 1e-12);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(doc, "fastest_on_target"), "model")),
        "b");
    json_t *cands = json_object_get(doc, "candidates");
    assert_int_equal(json_array_size(cands), 5);
    const char *pareto[5] = {"resnet50", "a", "b", "c", "d"};
    const int expect_pareto[5] = {0, 0, 1, 1, 0}, expect_eligible[5] = {1, 1, 1, 1, 0};
    for (size_t i = 0; i < 5; i++) {
        json_t *c = json_array_get(cands, i);
        assert_string_equal(json_string_value(json_object_get(c, "model")), pareto[i]);
        assert_int_equal(json_is_true(json_object_get(c, "pareto")), expect_pareto[i]);
        assert_int_equal(json_is_true(json_object_get(c, "eligible")), expect_eligible[i]);
    }
    assert_close(json_number_value(json_object_get(json_array_get(cands, 1), "metric")),
                 cbrt(0.0225), 1e-12);
    json_decref(doc);
    tu_run_free(&r);

    r = tu_frm(NULL, NULL, "select", "-r", "ref", "-t", "tgt", "--max-latency-ms", "100",
               "--min-accuracy", "0.7", ds, NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "MACs pick:");
    assert_contains(r.out, "a  124.000 ms on the target: misses the 100 ms limit");
    assert_contains(r.out, "b  47.000 ms on the target: meets the 100 ms limit");
    assert_contains(r.out, "below the floor");
    assert_null(strstr(r.out, "accuracy unknown"));
    tu_run_free(&r);

    /* a model whose accuracy nobody measured is not "below the floor" */
    char *all = tu_read(ds);
    char with_unknown[8192];
    snprintf(with_unknown, sizeof with_unknown, "%s%s", all,
             tu_line("ref", "rtx4090", "gpu", "e", 5, 1, 50, 5e8, NAN, NAN));
    free(all);
    r = tu_frm(NULL, NULL, "select", "-r", "ref", "--min-accuracy", "0.7",
               tu_write("select-unknown.jsonl", with_unknown), NULL);
    assert_int_equal(r.status, 0);
    assert_contains(r.out, "accuracy unknown");
    tu_run_free(&r);

    /* errors: unknown and ambiguous configurations, a target without a reference */
    char buf[8192];
    char *text = tu_read(ds);
    snprintf(buf, sizeof buf, "%s%s", text,
             tu_line("tgt2", "galaxy-s21", "edge", "a", 120, 1, 50, 2e8, NAN, 0.765));
    free(text);
    const char *two = tu_write("select2.jsonl", buf);
    r = tu_frm(NULL, NULL, "select", "-r", "ref", "-t", "galaxy-s21", two, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "'galaxy-s21' is a device with 2 configurations ('tgt', 'tgt2')");
    tu_run_free(&r);
    r = tu_frm(NULL, NULL, "select", "-r", "nowhere", ds, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "--reference 'nowhere' is neither a config_id nor a device");
    tu_run_free(&r);
    r = tu_frm(NULL, NULL, "select", "-r", "tgt", ds, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "the reference 'tgt' cannot be scored: has no record for baseline");
    tu_run_free(&r);
    r = tu_frm(NULL, NULL, "select", "--target", "tgt", ds, NULL);
    assert_int_equal(r.status, 2);
    assert_contains(r.err, "--reference CONFIG is required");
    tu_run_free(&r);
    r = tu_frm(NULL, NULL, "select", "-r", "ref", "--candidates", "a,zz", ds, NULL);
    assert_int_equal(r.status, 1);
    assert_contains(r.err, "no record of the dataset is for model 'zz'");
    tu_run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed_figures),
        cmocka_unit_test(test_disagreement_and_frameworks),
        cmocka_unit_test(test_text_report_reads_like_the_paper),
        cmocka_unit_test(test_baselines_change_cvs_not_ranks),
        cmocka_unit_test(test_bad_input_is_named),
        cmocka_unit_test(test_select_case_study),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
