/*
 * report/analysis_json.c - the analysis as one JSON document.
 */
#include <math.h>

#include "report/report.h"

static void number(frmi_jsonw *w, const char *key, double v)
{
    frmi_jsonw_key(w, key);
    frmi_jsonw_number(w, v);
}

static void count(frmi_jsonw *w, const char *key, size_t v)
{
    number(w, key, (double)v);
}

static void share(frmi_jsonw *w, const char *key, size_t part, size_t whole)
{
    number(w, key, whole ? (double)part / (double)whole : NAN);
}

static void test(frmi_jsonw *w, const char *key, const char *stat_key, frmi_test t)
{
    frmi_jsonw_key(w, key);
    frmi_jsonw_object(w);
    number(w, stat_key, t.statistic);
    number(w, "p", t.p);
    frmi_jsonw_end(w);
}

static void stability(frmi_jsonw *w, const frmi_stability *s)
{
    frmi_jsonw_key(w, "stability");
    frmi_jsonw_object(w);
    for (size_t i = 0; i < s->n_entries; i++) {
        const frmi_rho_summary *r = &s->entries[i].s;
        frmi_jsonw_key(w, s->entries[i].name);
        frmi_jsonw_object(w);
        number(w, "mean", r->mean);
        number(w, "std", r->std);
        number(w, "median", r->median);
        count(w, "n_pairs", r->n);
        share(w, "share_significant", r->n_significant, r->n);
        count(w, "n_skipped", r->n_skipped);
        count(w, "n_undefined", r->n_undefined);
        frmi_jsonw_end(w);
    }
    test(w, "mannwhitney_frm_vs_latency", "U", s->mw_metric_vs_latency);
    frmi_jsonw_end(w);
}

static void variability(frmi_jsonw *w, const frmi_variability *v)
{
    frmi_jsonw_key(w, "variability");
    frmi_jsonw_object(w);
    for (int k = 0; k < FRMI_N_CV; k++) {
        frmi_jsonw_key(w, frmi_cv_names[k]);
        frmi_jsonw_object(w);
        number(w, "mean_cv", v->mean_cv[k]);
        number(w, "median_cv", v->median_cv[k]);
        count(w, "n_models", v->n_models);
        frmi_jsonw_end(w);
    }
    test(w, "wilcoxon_frm_vs_latency_raw", "statistic", v->wilcoxon_vs_latency_raw);
    test(w, "wilcoxon_frm_vs_latency_ratio", "statistic", v->wilcoxon_vs_latency_ratio);
    frmi_jsonw_end(w);
}

static void frameworks(frmi_jsonw *w, const frmi_table *t, const frmi_frameworks *f)
{
    frmi_jsonw_key(w, "frameworks");
    frmi_jsonw_object(w);
    number(w, "mean", f->s.mean);
    number(w, "std", f->s.std);
    number(w, "median", f->s.median);
    count(w, "n_pairs", f->s.n);
    count(w, "n_significant", f->s.n_significant);
    count(w, "n_skipped", f->s.n_skipped);
    count(w, "n_undefined", f->s.n_undefined);
    count(w, "n_devices", f->n_devices);
    frmi_jsonw_key(w, "pairs");
    frmi_jsonw_array(w);
    for (size_t i = 0; i < f->n_pairs; i++) {
        const frmi_framework_pair *p = &f->pairs[i];
        frmi_jsonw_object(w);
        frmi_jsonw_key(w, "device");
        frmi_jsonw_string(w, t->configs[p->a]->device);
        frmi_jsonw_key(w, "a");
        frmi_jsonw_string(w, t->configs[p->a]->config_id);
        frmi_jsonw_key(w, "b");
        frmi_jsonw_string(w, t->configs[p->b]->config_id);
        count(w, "n", p->n);
        number(w, "rho", p->rho);
        number(w, "p", p->p);
        frmi_jsonw_end(w);
    }
    frmi_jsonw_end(w);
    frmi_jsonw_end(w);
}

static void transfer_group(frmi_jsonw *w, const char *key, const frmi_transfer_group *g)
{
    frmi_jsonw_key(w, key);
    frmi_jsonw_object(w);
    count(w, "n", g->metric.n);
    number(w, "frm_mean", g->metric.mean);
    number(w, "frm_std", g->metric.std);
    number(w, "frm_median", g->metric.median);
    share(w, "share_significant", g->metric.n_significant, g->metric.n);
    count(w, "n_skipped", g->metric.n_skipped);
    count(w, "n_undefined", g->metric.n_undefined);
    number(w, "latency_mean", g->latency.mean);
    number(w, "latency_std", g->latency.std);
    count(w, "latency_n", g->latency.n);
    number(w, "pairwise_accuracy_mean", g->pairwise_accuracy_mean);
    frmi_jsonw_end(w);
}

static void transfer(frmi_jsonw *w, const frmi_transfer *x)
{
    frmi_jsonw_key(w, "transfer");
    frmi_jsonw_object(w);
    frmi_jsonw_key(w, "by_tier_pair");
    frmi_jsonw_object(w);
    for (int g = 0; g < FRMI_N_TIER_PAIRS; g++)
        transfer_group(w, frmi_tier_pair_names[g], &x->by_pair[g]);
    frmi_jsonw_end(w);
    transfer_group(w, "overall", &x->overall);
    test(w, "mannwhitney_frm_vs_latency", "U", x->mw_metric_vs_latency);
    frmi_jsonw_end(w);
}

static void flops(frmi_jsonw *w, const frmi_flops *f)
{
    frmi_jsonw_key(w, "flops");
    frmi_jsonw_object(w);
    number(w, "mean_rho", f->mean_rho);
    number(w, "std_rho", f->std_rho);
    number(w, "median_rho", f->median_rho);
    count(w, "n_configs", f->n_configs);
    count(w, "n_above_095", f->n_above_095);
    number(w, "mean_rank_diff", f->mean_rank_diff);
    frmi_jsonw_end(w);
}

static void disagreements(frmi_jsonw *w, const frmi_table *t, const frmi_disagreements *d)
{
    frmi_jsonw_key(w, "disagreements");
    frmi_jsonw_object(w);
    count(w, "n_cases", d->n_cases);
    count(w, "n_configs_with_case", d->n_configs_with_case);
    count(w, "n_configs", d->n_configs);
    frmi_jsonw_key(w, "by_tier");
    frmi_jsonw_object(w);
    static const frm_tier order[] = {FRM_TIER_GPU, FRM_TIER_CPU, FRM_TIER_EDGE,
                                     FRM_TIER_UNKNOWN};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (d->tier_present[order[i]])
            count(w, frm_tier_name(order[i]), d->by_tier[order[i]]);
    frmi_jsonw_end(w);
    frmi_jsonw_key(w, "by_model");
    frmi_jsonw_object(w);
    for (size_t m = 0; m < t->n_models; m++)
        if (d->by_model[m])
            count(w, t->models[m], d->by_model[m]);
    frmi_jsonw_end(w);
    count(w, "promoted", d->promoted);
    count(w, "penalised", d->penalised);
    frmi_jsonw_key(w, "tests");
    frmi_jsonw_object(w);
    for (int k = 0; k < FRMI_N_DIS_TESTS; k++) {
        const frmi_disagreement_test *x = &d->tests[k];
        frmi_jsonw_key(w, frmi_disagreement_test_names[k]);
        frmi_jsonw_object(w);
        number(w, "U", x->mw.statistic);
        number(w, "p", x->mw.p);
        count(w, "n_promoted", x->n_promoted);
        count(w, "n_penalised", x->n_penalised);
        number(w, "mean_promoted", x->mean_promoted);
        number(w, "mean_penalised", x->mean_penalised);
        frmi_jsonw_end(w);
    }
    frmi_jsonw_end(w);
    frmi_jsonw_end(w);
}

static void interactions(frmi_jsonw *w, const frmi_table *t, const frmi_interactions *in)
{
    frmi_jsonw_key(w, "interactions");
    frmi_jsonw_object(w);
    count(w, "n_models", in->n_models);
    count(w, "n_significant", in->n_significant);
    number(w, "mean_rel_diff", in->mean_rel_diff);
    frmi_jsonw_key(w, "within_tier_cv");
    frmi_jsonw_object(w);
    number(w, "gpu", in->within_tier_cv[FRM_TIER_GPU]);
    number(w, "cpu", in->within_tier_cv[FRM_TIER_CPU]);
    number(w, "edge", in->within_tier_cv[FRM_TIER_EDGE]);
    number(w, "overall", in->within_tier_cv[FRM_TIER_UNKNOWN]);
    frmi_jsonw_end(w);
    frmi_jsonw_key(w, "models");
    frmi_jsonw_array(w);
    for (size_t i = 0; i < in->n_models; i++) {
        const frmi_interaction_model *r = &in->models[i];
        frmi_jsonw_object(w);
        frmi_jsonw_key(w, "model");
        frmi_jsonw_string(w, t->models[r->model]);
        frmi_jsonw_key(w, "test");
        frmi_jsonw_string(w, r->kruskal ? "kruskal-wallis" : "mann-whitney");
        number(w, "statistic", r->test.statistic);
        number(w, "p", r->test.p);
        number(w, "p_bonferroni", r->p_bonferroni);
        frmi_jsonw_key(w, "significant");
        frmi_jsonw_bool(w, r->significant);
        number(w, "rel_diff", r->rel_diff);
        frmi_jsonw_key(w, "from");
        frmi_jsonw_string(w, frm_tier_name(r->from));
        frmi_jsonw_key(w, "to");
        frmi_jsonw_string(w, frm_tier_name(r->to));
        number(w, "median_from", r->median_from);
        number(w, "median_to", r->median_to);
        frmi_jsonw_end(w);
    }
    frmi_jsonw_end(w);
    frmi_jsonw_end(w);
}

static void baselines(frmi_jsonw *w, const frmi_baselines *b)
{
    frmi_jsonw_key(w, "baselines");
    frmi_jsonw_array(w);
    for (size_t i = 0; i < b->n; i++) {
        const frmi_baseline_result *r = &b->items[i];
        frmi_jsonw_object(w);
        frmi_jsonw_key(w, "baseline");
        frmi_jsonw_string(w, r->baseline);
        count(w, "n_configs", r->n_configs);
        number(w, "stability_frm_mean", r->stability_mean);
        number(w, "transfer_frm_mean", r->transfer_mean);
        number(w, "variability_frm_mean_cv", r->variability_mean_cv);
        if (r->reason[0]) {
            frmi_jsonw_key(w, "reason");
            frmi_jsonw_string(w, r->reason);
        }
        frmi_jsonw_end(w);
    }
    frmi_jsonw_end(w);
}

void frmi_report_analysis_json(const frmi_analysis *a, frmi_buf *out)
{
    const frmi_table *t = a->table;
    frmi_jsonw w;
    frmi_jsonw_init(&w, out, true);
    frmi_jsonw_object(&w);
    frmi_jsonw_key(&w, "schema");
    frmi_jsonw_string(&w, "frm.analysis/1");
    frmi_jsonw_key(&w, "metric");
    frmi_jsonw_string(&w, frm_metric_name(a->opts.metric));
    frmi_jsonw_key(&w, "baseline");
    frmi_jsonw_string(&w, a->baseline);
    count(&w, "min_common", a->opts.min_common);
    number(&w, "alpha", a->opts.alpha);
    frmi_jsonw_key(&w, "dataset");
    frmi_jsonw_object(&w);
    count(&w, "n_configs", t->n_dataset_configs);
    count(&w, "n_scored", t->n_configs);
    count(&w, "n_models", t->n_dataset_models);
    count(&w, "n_analysed", t->n_models);
    count(&w, "n_absent_records", t->n_absent);
    frmi_jsonw_key(&w, "skipped_configs");
    frmi_jsonw_array(&w);
    for (size_t i = 0; i < t->n_skipped; i++) {
        frmi_jsonw_object(&w);
        frmi_jsonw_key(&w, "config_id");
        frmi_jsonw_string(&w, t->skipped[i].config_id);
        frmi_jsonw_key(&w, "reason");
        frmi_jsonw_string(&w, t->skipped[i].reason);
        frmi_jsonw_end(&w);
    }
    frmi_jsonw_end(&w);
    frmi_jsonw_end(&w);
    unsigned s = a->sections;
    if (s & FRMI_SECTION_STABILITY)
        stability(&w, &a->stability);
    if (s & FRMI_SECTION_VARIABILITY)
        variability(&w, &a->variability);
    if (s & FRMI_SECTION_FRAMEWORKS)
        frameworks(&w, t, &a->frameworks);
    if (s & FRMI_SECTION_TRANSFER)
        transfer(&w, &a->transfer);
    if (s & FRMI_SECTION_FLOPS)
        flops(&w, &a->flops);
    if (s & FRMI_SECTION_DISAGREEMENTS)
        disagreements(&w, t, &a->disagreements);
    if (s & FRMI_SECTION_INTERACTIONS)
        interactions(&w, t, &a->interactions);
    if (s & FRMI_SECTION_BASELINES)
        baselines(&w, &a->baselines);
    frmi_jsonw_end(&w);
    frmi_buf_puts(out, "\n");
}
