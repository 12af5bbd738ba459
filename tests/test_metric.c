/*
 * tests/test_metric.c - FRM, FRM_E, FRM_Q and ranks against hand calculations.
 *
 * Inputs are powers of two where possible, so the expected values can be
 * worked out by hand exactly (the comments show the arithmetic).
 */
#include "testutil.h"

#include <math.h>
#include <string.h>

typedef struct scored {
    frm_dataset *ds;
    frm_scores *sc;
    frm_code rc;
    tu_diags diags;
} scored;

static void score_text(scored *s, const char *name, const char *jsonl, frm_score_options opts)
{
    memset(s, 0, sizeof *s);
    frm_error err;
    assert_int_equal(frm_dataset_new(&s->ds, FRM_DEDUPE_ERROR, &err), FRM_OK);
    assert_int_equal(frm_dataset_load(s->ds, tu_write(name, jsonl), NULL, NULL, &err), FRM_OK);
    opts.diag = tu_collect;
    opts.ctx = &s->diags;
    s->rc = frm_score_dataset(s->ds, &opts, &s->sc, &err);
}

static void scored_free(scored *s)
{
    frm_scores_free(s->sc);
    frm_dataset_free(s->ds);
}

static const frm_score_row *row(const scored *s, const char *config, const char *model)
{
    for (size_t i = 0; i < s->sc->n_rows; i++) {
        const frm_score_row *r = &s->sc->rows[i];
        if (strcmp(r->entry->model, model) == 0 && strcmp(r->entry->config_id, config) == 0)
            return r;
    }
    fail_msg("no row for %s in %s", model, config);
    return NULL;
}

/*
 * Baseline B: macs 4, latency 8, memory 16.
 * A: macs 2, latency 2, memory 2  -> ratios 1/2, 1/4, 1/8 -> FRM = (2^-6)^(1/3) = 1/4.
 * C: macs 8, latency 8, memory 2  -> ratios 2, 1, 1/8     -> FRM = (1/4)^(1/3).
 */
static char *three_models(const char *config, const char *baseline)
{
    static char text[8192];
    text[0] = '\0';
    strcat(text, tu_line(config, "dev", "cpu", baseline, 8, 1, 16, 4, NAN, NAN));
    strcat(text, tu_line(config, "dev", "cpu", "a", 2, 1, 2, 2, NAN, NAN));
    strcat(text, tu_line(config, "dev", "cpu", "c", 8, 1, 2, 8, NAN, NAN));
    return text;
}

static void frm_powers_of_two(void **state)
{
    (void)state;
    scored s;
    score_text(&s, "p2.jsonl", three_models("cfg", "resnet50"),
               (frm_score_options)FRM_SCORE_OPTIONS_INIT);
    assert_int_equal(s.rc, FRM_OK);
    assert_int_equal(s.sc->n_groups, 1);
    assert_int_equal(s.sc->n_rows, 3);

    const frm_score_row *a = row(&s, "cfg", "a");
    assert_close(a->r_flops, 0.5, 1e-15);
    assert_close(a->r_latency, 0.25, 1e-15);
    assert_close(a->r_memory, 0.125, 1e-15);
    assert_close(a->frm, 0.25, 1e-14);
    assert_close(a->value, 0.25, 1e-14);

    const frm_score_row *c = row(&s, "cfg", "c");
    assert_close(c->frm, 0.62996052494743658, 1e-14);      /* cbrt(0.25) */
    assert_close(row(&s, "cfg", "resnet50")->frm, 1.0, 1e-15);

    /* FRM order: a (0.25) < c (0.63) < resnet50 (1); MACs order: a (2) < resnet50 (4) < c (8). */
    assert_true(a->rank == 1 && c->rank == 2 && row(&s, "cfg", "resnet50")->rank == 3);
    assert_true(a->ops_rank == 1 && c->ops_rank == 3 && row(&s, "cfg", "resnet50")->ops_rank == 2);
    /* rows come sorted by rank */
    assert_string_equal(s.sc->rows[0].entry->model, "a");
    assert_string_equal(s.sc->rows[2].entry->model, "resnet50");
    assert_string_equal(s.sc->groups[0].baseline->model, "resnet50");
    scored_free(&s);
}

static void ties_share_average_ranks(void **state)
{
    (void)state;
    char text[8192] = "";
    /* x and y are identical: FRM ties at (1/2 * 1/2 * 1/2)^(1/3) = 1/2, ranks 1 and 2 -> 1.5.
     * z has FRM 1 like the baseline: ranks 3 and 4 -> 3.5.  MACs: x, y = 2 tie (1.5);
     * z and resnet50 tie at 4 (3.5). */
    strcat(text, tu_line("t", "dev", "gpu", "resnet50", 10, 1, 100, 4, NAN, NAN));
    strcat(text, tu_line("t", "dev", "gpu", "x", 5, 1, 50, 2, NAN, NAN));
    strcat(text, tu_line("t", "dev", "gpu", "y", 5, 1, 50, 2, NAN, NAN));
    strcat(text, tu_line("t", "dev", "gpu", "z", 10, 1, 100, 4, NAN, NAN));
    scored s;
    score_text(&s, "ties.jsonl", text, (frm_score_options)FRM_SCORE_OPTIONS_INIT);
    assert_int_equal(s.rc, FRM_OK);
    assert_close(row(&s, "t", "x")->frm, 0.5, 1e-14);
    assert_true(row(&s, "t", "x")->rank == 1.5 && row(&s, "t", "y")->rank == 1.5);
    assert_true(row(&s, "t", "z")->rank == 3.5 && row(&s, "t", "resnet50")->rank == 3.5);
    assert_true(row(&s, "t", "x")->ops_rank == 1.5 && row(&s, "t", "z")->ops_rank == 3.5);
    /* equal ranks are listed by model name */
    assert_string_equal(s.sc->rows[0].entry->model, "x");
    assert_string_equal(s.sc->rows[1].entry->model, "y");
    scored_free(&s);
}

static void other_baseline(void **state)
{
    (void)state;
    /* Against baseline "a" (macs 2, latency 2, memory 2):
     * resnet50 ratios 2, 4, 8 -> FRM = 64^(1/3) = 4;  c: 4, 4, 1 -> 16^(1/3). */
    frm_score_options o = FRM_SCORE_OPTIONS_INIT;
    o.baseline = "a";
    scored s;
    score_text(&s, "base.jsonl", three_models("cfg", "resnet50"), o);
    assert_int_equal(s.rc, FRM_OK);
    assert_close(row(&s, "cfg", "resnet50")->frm, 4.0, 1e-14);
    assert_close(row(&s, "cfg", "c")->frm, 2.5198420997897464, 1e-14);
    assert_close(row(&s, "cfg", "a")->frm, 1.0, 1e-15);
    assert_string_equal(s.sc->groups[0].baseline->model, "a");
    /* Ranks do not depend on the baseline: a, c, resnet50 as before. */
    assert_true(row(&s, "cfg", "a")->rank == 1 && row(&s, "cfg", "c")->rank == 2);
    scored_free(&s);
}

static void per_sample_latency(void **state)
{
    (void)state;
    char text[8192] = "";
    /* Baseline: 80 ms per batch of 4 -> 20 ms per sample.  m: 40 ms per batch of 8 -> 5 ms.
     * r_latency = 5/20 = 1/4; r_flops = 1/2, r_memory = 1/2 -> FRM = (1/16)^(1/3). */
    strcat(text, tu_line("b", "dev", "gpu", "resnet50", 80, 4, 64, 8, NAN, NAN));
    strcat(text, tu_line("b", "dev", "gpu", "m", 40, 8, 32, 4, NAN, NAN));
    scored s;
    score_text(&s, "batch.jsonl", text, (frm_score_options)FRM_SCORE_OPTIONS_INIT);
    assert_int_equal(s.rc, FRM_OK);
    assert_close(row(&s, "b", "m")->r_latency, 0.25, 1e-15);
    assert_close(row(&s, "b", "m")->frm, 0.39685026299204984, 1e-14);
    scored_free(&s);
}

static void frm_e_uses_energy(void **state)
{
    (void)state;
    char text[8192] = "";
    /* ratios 1/2, 1/4, 1/8 and energy 1/16 -> FRM_E = (2^-10)^(1/4) = 2^-2.5. */
    strcat(text, tu_line("e", "dev", "edge", "resnet50", 8, 1, 16, 4, 32, NAN));
    strcat(text, tu_line("e", "dev", "edge", "a", 2, 1, 2, 2, 2, NAN));
    frm_score_options o = FRM_SCORE_OPTIONS_INIT;
    o.metric = FRM_METRIC_FRM_E;
    scored s;
    score_text(&s, "energy.jsonl", text, o);
    assert_int_equal(s.rc, FRM_OK);
    assert_close(row(&s, "e", "a")->r_energy, 0.0625, 1e-15);
    assert_close(row(&s, "e", "a")->value, 0.17677669529663687, 1e-14);
    assert_close(row(&s, "e", "a")->frm, 0.25, 1e-14);
    scored_free(&s);
}

static void frm_q_both_rules(void **state)
{
    (void)state;
    char text[8192] = "";
    /* FRM(a) = 1/4 as above; acc(a) = 0.75, acc(B) = 0.8.
     * error-ratio: 0.25 * (1 - 0.75) / (1 - 0.8) = 0.3125; paper: 0.25 / (1 - 0.75) = 1. */
    strcat(text, tu_line("q", "dev", "cpu", "resnet50", 8, 1, 16, 4, NAN, 0.8));
    strcat(text, tu_line("q", "dev", "cpu", "a", 2, 1, 2, 2, NAN, 0.75));
    frm_score_options o = FRM_SCORE_OPTIONS_INIT;
    o.metric = FRM_METRIC_FRM_Q;
    scored s;
    score_text(&s, "q1.jsonl", text, o);
    assert_int_equal(s.rc, FRM_OK);
    assert_close(row(&s, "q", "a")->value, 0.3125, 1e-14);
    assert_close(row(&s, "q", "a")->accuracy, 0.75, 0);
    assert_close(row(&s, "q", "resnet50")->value, 1.0, 1e-15);
    scored_free(&s);

    o.q_rule = FRM_Q_PAPER;
    score_text(&s, "q2.jsonl", text, o);
    assert_int_equal(s.rc, FRM_OK);
    assert_close(row(&s, "q", "a")->value, 1.0, 1e-14);
    /* the baseline itself: 1 / (1 - 0.8) = 5 */
    assert_close(row(&s, "q", "resnet50")->value, 5.0, 1e-14);
    scored_free(&s);
}

static void log_space_survives_extreme_ratios(void **state)
{
    (void)state;
    char text[8192] = "";
    /* ratios 1e200 each: the plain product overflows to inf, the log mean gives 1e200. */
    strcat(text, tu_line("x", "dev", "cpu", "resnet50", 1e-100, 1, 1e-100, 1e-100, NAN, NAN));
    strcat(text, tu_line("x", "dev", "cpu", "big", 1e100, 1, 1e100, 1e100, NAN, NAN));
    scored s;
    score_text(&s, "extreme.jsonl", text, (frm_score_options)FRM_SCORE_OPTIONS_INIT);
    assert_int_equal(s.rc, FRM_OK);
    assert_true(isinf(row(&s, "x", "big")->r_flops * row(&s, "x", "big")->r_latency *
                      row(&s, "x", "big")->r_memory));
    assert_close(row(&s, "x", "big")->frm, 1e200, 1e-12);
    scored_free(&s);
}

static void missing_baseline_names_configuration(void **state)
{
    (void)state;
    char text[16384] = "";
    strcat(text, three_models("has-1", "resnet50"));
    strcat(text, three_models("lacks", "other"));
    strcat(text, three_models("has-2", "resnet50"));
    scored s;
    score_text(&s, "nobase.jsonl", text, (frm_score_options)FRM_SCORE_OPTIONS_INIT);
    assert_int_equal(s.rc, FRM_E_BASELINE);
    assert_int_equal(s.diags.n, 1);
    assert_string_equal(s.diags.message[0], "configuration 'lacks' has no record for baseline 'resnet50'; "
                                   "configurations with it: 'has-1', 'has-2'");
    /* the two good configurations are still scored */
    assert_int_equal(s.sc->n_groups, 2);
    assert_int_equal(s.sc->n_rows, 6);
    assert_string_equal(s.sc->groups[1].config->config_id, "has-2");
    scored_free(&s);

    frm_score_options o = FRM_SCORE_OPTIONS_INIT;
    o.baseline = "nowhere";
    score_text(&s, "nobase2.jsonl", three_models("only", "resnet50"), o);
    assert_int_equal(s.rc, FRM_E_BASELINE);
    assert_string_equal(s.diags.message[0], "configuration 'only' has no record for baseline 'nowhere'; "
                                   "no configuration has it");
    assert_int_equal(s.sc->n_rows, 0);
    scored_free(&s);
}

static void unusable_components(void **state)
{
    (void)state;
    char text[8192] = "";
    strcat(text, tu_line("v", "dev", "cpu", "resnet50", 8, 1, 16, 4, NAN, NAN));
    strcat(text, tu_line("v", "dev", "cpu", "zero-latency", 0, 1, 2, 2, NAN, NAN));
    strcat(text, tu_line("v", "dev", "cpu", "negative-memory", 2, 1, -3, 2, NAN, NAN));
    strcat(text, tu_line("v", "dev", "cpu", "zero-macs", 2, 1, 2, 0, NAN, NAN));
    strcat(text, tu_line("v", "dev", "cpu", "fine", 2, 1, 2, 2, NAN, NAN));
    scored s;
    score_text(&s, "bad.jsonl", text, (frm_score_options)FRM_SCORE_OPTIONS_INIT);
    assert_int_equal(s.rc, FRM_E_VALUE);
    assert_int_equal(s.diags.n, 3);
    assert_string_equal(s.diags.message[0], "configuration 'v', model 'zero-latency': latency_ms.median is "
                                   "0; it must be a positive number");
    assert_string_equal(s.diags.message[1], "configuration 'v', model 'negative-memory': memory_mb.peak is "
                                   "-3; it must be a positive number");
    assert_string_equal(s.diags.message[2], "configuration 'v', model 'zero-macs': macs is 0; it must be a "
                                   "positive number");
    /* the good rows remain: resnet50 and fine */
    assert_int_equal(s.sc->n_rows, 2);
    assert_close(row(&s, "v", "fine")->frm, 0.25, 1e-14);
    scored_free(&s);

    /* --ops flops on records without flops: absent, not wrong; the baseline's takes all three */
    frm_score_options o = FRM_SCORE_OPTIONS_INIT;
    o.ops = FRM_OPS_FLOPS;
    score_text(&s, "noflops.jsonl", three_models("f", "resnet50"), o);
    assert_int_equal(s.rc, FRM_OK);
    assert_string_equal(s.diags.message[0], "configuration 'f', baseline 'resnet50': flops is missing");
    assert_int_equal(s.sc->n_rows, 0);
    assert_int_equal(s.sc->n_absent, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(s.sc->absent[i].field, "flops");
        assert_true(s.sc->absent[i].baseline);
    }
    scored_free(&s);
}

/*
 * Sources that measure no memory (ncnn) or publish no MACs (AI Hub): their
 * records are listed as absent, the rest is scored, and nothing fails.
 */
static void absent_components_listed(void **state)
{
    (void)state;
    char text[8192] = "";
    strcat(text, tu_line("phone", "p", "edge", "resnet50", 8, 1, 16, 4, NAN, NAN));
    strcat(text, tu_line("phone", "p", "edge", "no-macs", 2, 1, 2, NAN, NAN, NAN));
    strcat(text, tu_line("phone", "p", "edge", "fine", 2, 1, 2, 2, NAN, NAN));
    strcat(text, tu_line("board", "b", "edge", "resnet50", 8, 1, NAN, 4, NAN, NAN));
    strcat(text, tu_line("board", "b", "edge", "fine", 2, 1, NAN, 2, NAN, NAN));
    scored s;
    score_text(&s, "absent.jsonl", text, (frm_score_options)FRM_SCORE_OPTIONS_INIT);
    assert_int_equal(s.rc, FRM_OK);
    assert_int_equal(s.sc->n_groups, 1);
    assert_int_equal(s.sc->n_rows, 2);
    /* fine on phone: (2/4 * 2/8 * 2/16)^(1/3) = (1/64)^(1/3) */
    assert_close(row(&s, "phone", "fine")->frm, 0.25, 1e-14);
    assert_int_equal(s.sc->n_absent, 3);
    assert_string_equal(s.sc->absent[0].entry->model, "no-macs");
    assert_string_equal(s.sc->absent[0].field, "macs");
    assert_false(s.sc->absent[0].baseline);
    for (size_t i = 1; i < 3; i++) {
        assert_string_equal(s.sc->absent[i].entry->config_id, "board");
        assert_string_equal(s.sc->absent[i].field, "memory_mb.peak");
        assert_true(s.sc->absent[i].baseline);
    }
    assert_string_equal(s.diags.message[0], "configuration 'phone', model 'no-macs': macs is missing");
    assert_string_equal(s.diags.message[1],
                        "configuration 'board', baseline 'resnet50': memory_mb.peak is missing");
    scored_free(&s);
}

static void variants_need_their_fields(void **state)
{
    (void)state;
    frm_score_options o = FRM_SCORE_OPTIONS_INIT;
    o.metric = FRM_METRIC_FRM_E;
    scored s;
    score_text(&s, "noenergy.jsonl", three_models("e", "resnet50"), o);
    assert_int_equal(s.rc, FRM_E_VALUE);
    assert_string_equal(s.diags.message[0], "configuration 'e', baseline 'resnet50': energy_mj is missing, "
                                   "and frm_e needs it for every model");
    scored_free(&s);

    char text[8192] = "";
    strcat(text, tu_line("q", "dev", "cpu", "resnet50", 8, 1, 16, 4, NAN, 0.8));
    strcat(text, tu_line("q", "dev", "cpu", "no-acc", 2, 1, 2, 2, NAN, NAN));
    o.metric = FRM_METRIC_FRM_Q;
    score_text(&s, "noacc.jsonl", text, o);
    assert_int_equal(s.rc, FRM_E_VALUE);
    assert_string_equal(s.diags.message[0], "configuration 'q', model 'no-acc': accuracy_top1 is missing, "
                                   "and frm_q needs it for every model");
    assert_int_equal(s.sc->n_rows, 1);
    scored_free(&s);

    /* A perfect baseline makes the error-rate ratio divide by zero. */
    text[0] = '\0';
    strcat(text, tu_line("p", "dev", "cpu", "resnet50", 8, 1, 16, 4, NAN, 1.0));
    strcat(text, tu_line("p", "dev", "cpu", "a", 2, 1, 2, 2, NAN, 0.5));
    score_text(&s, "perfect.jsonl", text, o);
    assert_int_equal(s.rc, FRM_E_VALUE);
    assert_contains(s.diags.message[0], "accuracy_top1 is 1, so the error-rate ratio divides by zero");
    scored_free(&s);
}

static void metric_names(void **state)
{
    (void)state;
    assert_string_equal(frm_metric_name(FRM_METRIC_FRM), "frm");
    assert_string_equal(frm_metric_name(FRM_METRIC_FRM_E), "frm_e");
    assert_string_equal(frm_metric_name(FRM_METRIC_FRM_Q), "frm_q");
    for (int c = 0; c <= FRM_CODE_LAST; c++)
        assert_non_null(frm_strerror((frm_code)c));
    assert_string_equal(frm_strerror(FRM_E_BASELINE), "baseline missing from a configuration");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(frm_powers_of_two),
        cmocka_unit_test(ties_share_average_ranks),
        cmocka_unit_test(other_baseline),
        cmocka_unit_test(per_sample_latency),
        cmocka_unit_test(frm_e_uses_energy),
        cmocka_unit_test(frm_q_both_rules),
        cmocka_unit_test(log_space_survives_extreme_ratios),
        cmocka_unit_test(missing_baseline_names_configuration),
        cmocka_unit_test(unusable_components),
        cmocka_unit_test(absent_components_listed),
        cmocka_unit_test(variants_need_their_fields),
        cmocka_unit_test(metric_names),
    };
    return cmocka_run_group_tests_name("metric", tests, NULL, NULL);
}
