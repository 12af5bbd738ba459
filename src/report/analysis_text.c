/*
 * report/analysis_text.c - the analysis as prose and small tables, in the
 * order and the words of the paper's section 4: every figure with its n
 * and p, a verdict in plain language, and why a figure is missing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"

/* "p = 0.012", "p = 3.1e-08", "p < 1e-300"; "p n/a" when not computable. */
static const char *p_text(char out[32], double p)
{
    if (isnan(p))
        snprintf(out, 32, "p n/a");
    else if (p == 0)
        snprintf(out, 32, "p < 1e-300");
    else if (p < 0.001)
        snprintf(out, 32, "p = %.1e", p);
    else
        snprintf(out, 32, "p = %.3f", p);
    return out;
}

/* "0.956" or "-" for NaN, in `width` columns. */
static void num(frmi_buf *b, int width, double v)
{
    if (isnan(v))
        frmi_buf_printf(b, "%*s", width, "-");
    else
        frmi_buf_printf(b, "%*.3f", width, v);
}

static double pct(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : NAN;
}

static const char *metric_label(const frmi_analysis *a)
{
    switch (a->opts.metric) {
    case FRM_METRIC_FRM: return "FRM";
    case FRM_METRIC_FRM_E: return "FRM_E";
    case FRM_METRIC_FRM_Q: return "FRM_Q";
    }
    return "?";
}

/* Why no configuration pair could be compared. */
static void why_no_pairs(frmi_buf *b, const frmi_analysis *a, const frmi_rho_summary *s)
{
    if (a->table->n_configs < 2)
        frmi_buf_printf(b, "  Not computable: %zu scored configuration%s, and a comparison "
                        "needs two.\n", a->table->n_configs, a->table->n_configs == 1 ? "" : "s");
    else if (s->n_skipped && !s->n_undefined)
        frmi_buf_printf(b, "  Not computable: no pair of configurations shares %zu models "
                        "(--min-common).\n", a->opts.min_common);
    else
        frmi_buf_printf(b, "  Not computable: %zu pairs skipped (fewer than %zu common models), "
                        "%zu undefined (a constant ranking).\n", s->n_skipped,
                        a->opts.min_common, s->n_undefined);
}

static void stability(frmi_buf *b, const frmi_analysis *a)
{
    const frmi_stability *s = &a->stability;
    frmi_buf_printf(b, "Stability (paper 4.1): Spearman rho of each ranking between every pair "
                       "of configurations\n\n");
    frmi_buf_printf(b, "  %-10s %7s %7s %7s %7s %9s\n", "ranking", "mean", "std", "median",
                    "pairs", "p<alpha");
    const frmi_rho_summary *metric = NULL, *latency = NULL;
    for (size_t i = 0; i < s->n_entries; i++) {
        const frmi_stability_entry *e = &s->entries[i];
        frmi_buf_printf(b, "  %-10s", e->name);
        num(b, 8, e->s.mean);
        num(b, 8, e->s.std);
        num(b, 8, e->s.median);
        frmi_buf_printf(b, " %7zu", e->s.n);
        double share = pct(e->s.n_significant, e->s.n);
        if (isnan(share))
            frmi_buf_printf(b, " %9s\n", "-");
        else
            frmi_buf_printf(b, " %8.1f%%\n", share);
        if (e->value == FRMI_METRIC || (e->value == FRMI_FRM && a->opts.metric == FRM_METRIC_FRM))
            metric = &e->s;
        if (e->value == FRMI_LATENCY)
            latency = &e->s;
    }
    frmi_buf_puts(b, "\n");
    if (!metric || metric->n == 0) {
        why_no_pairs(b, a, metric ? metric : &s->entries[0].s);
        return;
    }
    char p[32];
    double pv = s->mw_metric_vs_latency.p;
    const char *label = metric_label(a);
    if (isnan(pv))
        frmi_buf_printf(b, "  %s vs latency: no test (latency has no defined rho).\n", label);
    else if (pv < a->opts.alpha)
        frmi_buf_printf(b, "  %s rankings are %s stable than latency rankings: mean rho %.3f vs "
                        "%.3f over %zu configuration pair%s (Mann-Whitney U = %.0f, %s).\n",
                        label, metric->mean > latency->mean ? "more" : "less", metric->mean,
                        latency->mean, metric->n, metric->n == 1 ? "" : "s",
                        s->mw_metric_vs_latency.statistic, p_text(p, pv));
    else
        frmi_buf_printf(b, "  %s and latency rankings are not significantly different in "
                        "stability: mean rho %.3f vs %.3f over %zu configuration pair%s "
                        "(Mann-Whitney U = %.0f, %s).\n", label, metric->mean, latency->mean,
                        metric->n, metric->n == 1 ? "" : "s", s->mw_metric_vs_latency.statistic,
                        p_text(p, pv));
}

static void variability(frmi_buf *b, const frmi_analysis *a)
{
    const frmi_variability *v = &a->variability;
    static const char *const labels[FRMI_N_CV] = {
        NULL, "latency ratio", "latency (raw)", "memory ratio", "memory (raw)",
    };
    frmi_buf_printf(b, "Variability (paper 4.1): coefficient of variation of each model across "
                       "configurations, %zu models (baseline excluded)\n\n", v->n_models);
    if (v->n_models == 0) {
        frmi_buf_printf(b, "  Not computable: no model other than the baseline was scored in "
                           "two configurations or more.\n");
        return;
    }
    frmi_buf_printf(b, "  %-14s %8s %10s\n", "value", "mean CV", "median CV");
    for (int k = 0; k < FRMI_N_CV; k++) {
        frmi_buf_printf(b, "  %-14s", k == 0 ? metric_label(a) : labels[k]);
        num(b, 9, v->mean_cv[k]);
        num(b, 11, v->median_cv[k]);
        frmi_buf_puts(b, "\n");
    }
    double m = v->mean_cv[FRMI_CV_METRIC];
    frmi_buf_printf(b, "\n  Raw latency varies %.1fx as much as %s (mean CV %.3f vs %.3f); "
                       "latency relative to the baseline, %.1fx (%.3f).\n",
                    v->mean_cv[FRMI_CV_LATENCY_RAW] / m, metric_label(a),
                    v->mean_cv[FRMI_CV_LATENCY_RAW], m, v->mean_cv[FRMI_CV_LATENCY_RATIO] / m,
                    v->mean_cv[FRMI_CV_LATENCY_RATIO]);
    char p[32];
    const frmi_test *w = &v->wilcoxon_vs_latency_raw;
    if (isnan(w->p))
        frmi_buf_printf(b, "  Wilcoxon signed-rank, %s CV vs raw latency CV: not computable "
                           "(every difference is zero, or too few models).\n", metric_label(a));
    else
        frmi_buf_printf(b, "  Wilcoxon signed-rank, %s CV vs raw latency CV: statistic = %.1f, "
                           "%s over %zu models: %s.\n", metric_label(a), w->statistic,
                        p_text(p, w->p), v->n_models,
                        w->p < a->opts.alpha
                            ? (m < v->mean_cv[FRMI_CV_LATENCY_RAW] ? "it varies significantly less"
                                                                   : "it varies significantly more")
                            : "no significant difference");
    frmi_buf_printf(b, "  CVs of ratios depend on the baseline (see the baselines section); raw "
                       "CVs do not.\n");
}

static int by_rho_descending(const void *x, const void *y)
{
    double a = (*(const frmi_framework_pair *const *)x)->rho;
    double b = (*(const frmi_framework_pair *const *)y)->rho;
    return a > b ? -1 : a < b;
}

static void frameworks(frmi_buf *b, const frmi_analysis *a)
{
    const frmi_frameworks *f = &a->frameworks;
    const frmi_table *t = a->table;
    frmi_buf_printf(b, "Framework invariance (paper 4.2): pairs of configurations on the same "
                       "device\n\n");
    if (f->s.n == 0) {
        if (f->n_pairs == 0)
            frmi_buf_printf(b, "  Not computable: no device has two scored configurations "
                               "(two frameworks, or two settings of one).\n");
        else
            why_no_pairs(b, a, &f->s);
        return;
    }
    frmi_buf_printf(b, "  %zu pair%s on %zu device%s: mean rho %.3f", f->s.n,
                    f->s.n == 1 ? "" : "s", f->n_devices, f->n_devices == 1 ? "" : "s",
                    f->s.mean);
    if (!isnan(f->s.std))
        frmi_buf_printf(b, " +- %.3f", f->s.std);
    frmi_buf_printf(b, ", median %.3f; %zu/%zu significant (p < %g).\n", f->s.median,
                    f->s.n_significant, f->s.n, a->opts.alpha);
    /* The three most and least alike pairs. */
    const frmi_framework_pair **sorted = malloc(f->s.n * sizeof *sorted);
    if (!sorted) {
        b->failed = true;
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < f->n_pairs; i++)
        if (!isnan(f->pairs[i].rho))
            sorted[n++] = &f->pairs[i];
    qsort(sorted, n, sizeof *sorted, by_rho_descending);
    for (int pass = 0; pass < (n > 3 ? 2 : 1); pass++) {
        frmi_buf_printf(b, "  %s alike:\n", pass ? "Least" : "Most");
        for (size_t k = 0; k < 3 && k < n; k++) {
            const frmi_framework_pair *p = sorted[pass ? n - 1 - k : k];
            char pt[32];
            frmi_buf_printf(b, "    %-24s rho %.3f (%s, %u models): %s vs %s\n",
                            t->configs[p->a]->device, p->rho, p_text(pt, p->p), p->n,
                            t->configs[p->a]->config_id, t->configs[p->b]->config_id);
        }
    }
    free(sorted);
}

static void transfer(frmi_buf *b, const frmi_analysis *a)
{
    const frmi_transfer *x = &a->transfer;
    frmi_buf_printf(b, "Transferability (paper 4.3): pairs of configurations in different "
                       "tiers\n\n");
    if (x->overall.metric.n == 0) {
        size_t tiers[4] = {0};
        for (size_t c = 0; c < a->table->n_configs; c++)
            tiers[a->table->tiers[c]]++;
        frmi_buf_printf(b, "  Not computable: ");
        if (x->overall.metric.n_skipped || x->overall.metric.n_undefined)
            frmi_buf_printf(b, "no cross-tier pair shares %zu models.\n", a->opts.min_common);
        else
            frmi_buf_printf(b, "the scored configurations span fewer than two known tiers "
                               "(gpu %zu, cpu %zu, edge %zu, unknown %zu); --tier-of sets one.\n",
                            tiers[FRM_TIER_GPU], tiers[FRM_TIER_CPU], tiers[FRM_TIER_EDGE],
                            tiers[FRM_TIER_UNKNOWN]);
        return;
    }
    frmi_buf_printf(b, "  %-10s %6s %16s %8s %12s %9s\n", "tiers", "pairs",
                    "metric rho (sd)", "p<alpha", "latency rho", "ordering");
    for (int g = 0; g <= FRMI_N_TIER_PAIRS; g++) {
        const frmi_transfer_group *r = g < FRMI_N_TIER_PAIRS ? &x->by_pair[g] : &x->overall;
        frmi_buf_printf(b, "  %-10s %6zu", g < FRMI_N_TIER_PAIRS ? frmi_tier_pair_names[g]
                                                                 : "all", r->metric.n);
        num(b, 8, r->metric.mean);
        if (isnan(r->metric.std))
            frmi_buf_printf(b, " %7s", "");
        else
            frmi_buf_printf(b, " (%.3f)", r->metric.std);
        double share = pct(r->metric.n_significant, r->metric.n);
        if (isnan(share))
            frmi_buf_printf(b, " %8s", "-");
        else
            frmi_buf_printf(b, " %7.1f%%", share);
        num(b, 13, r->latency.mean);
        if (isnan(r->pairwise_accuracy_mean))
            frmi_buf_printf(b, " %9s\n", "-");
        else
            frmi_buf_printf(b, " %8.1f%%\n", 100.0 * r->pairwise_accuracy_mean);
    }
    char p[32];
    const frmi_transfer_group *o = &x->overall;
    frmi_buf_puts(b, "\n");
    if (!isnan(x->mw_metric_vs_latency.p))
        frmi_buf_printf(b, "  %s rankings transfer across tiers %s latency rankings: mean rho "
                           "%.3f vs %.3f over %zu pairs (Mann-Whitney U = %.0f, %s).\n",
                        metric_label(a),
                        x->mw_metric_vs_latency.p >= a->opts.alpha ? "no differently from"
                        : o->metric.mean > o->latency.mean        ? "better than"
                                                                   : "worse than",
                        o->metric.mean, o->latency.mean, o->metric.n,
                        x->mw_metric_vs_latency.statistic, p_text(p, x->mw_metric_vs_latency.p));
    frmi_buf_printf(b, "  Ranked on one tier, %.1f%% of model pairs keep their order on "
                       "another (mean pairwise ordering accuracy).\n",
                    100.0 * o->pairwise_accuracy_mean);
    frmi_buf_printf(b, "  Spearman's rho is symmetric: gpu->edge is also edge->gpu.\n");
}

static void flops(frmi_buf *b, const frmi_analysis *a)
{
    const frmi_flops *f = &a->flops;
    frmi_buf_printf(b, "%s vs MACs (paper 4.4): per configuration\n\n", metric_label(a));
    if (f->n_configs == 0) {
        frmi_buf_printf(b, "  Not computable: no configuration has %zu scored models with a "
                           "defined correlation.\n", a->opts.min_common);
        return;
    }
    frmi_buf_printf(b, "  rho(%s, MACs): mean %.3f", metric_label(a), f->mean_rho);
    if (!isnan(f->std_rho))
        frmi_buf_printf(b, " +- %.3f", f->std_rho);
    frmi_buf_printf(b, ", median %.3f over %zu configurations; %zu/%zu above 0.95.\n",
                    f->median_rho, f->n_configs, f->n_above_095, f->n_configs);
    frmi_buf_printf(b, "  Mean |rank by %s - rank by MACs|: %.2f positions.\n", metric_label(a),
                    f->mean_rank_diff);
    frmi_buf_printf(b, "  %s\n", f->mean_rho > 0.95
                                     ? "MACs alone nearly give this ranking here."
                                     : "Measured latency and memory move the ranking away from "
                                       "what MACs alone give.");
}

static void disagreements(frmi_buf *b, const frmi_analysis *a)
{
    const frmi_disagreements *d = &a->disagreements;
    const frmi_table *t = a->table;
    frmi_buf_printf(b, "Disagreements (paper 4.5): |rank by %s - rank by MACs| >= 2\n\n",
                    metric_label(a));
    if (d->n_configs == 0) {
        frmi_buf_printf(b, "  Not computable: no configuration has %zu scored models.\n",
                        a->opts.min_common);
        return;
    }
    frmi_buf_printf(b, "  %zu cases in %zu of %zu configurations (%.1f%%).\n", d->n_cases,
                    d->n_configs_with_case, d->n_configs,
                    pct(d->n_configs_with_case, d->n_configs));
    if (d->n_cases == 0)
        return;
    frmi_buf_printf(b, "  By tier:");
    static const frm_tier order[] = {FRM_TIER_GPU, FRM_TIER_CPU, FRM_TIER_EDGE,
                                     FRM_TIER_UNKNOWN};
    for (size_t i = 0; i < 4; i++)
        if (d->tier_present[order[i]])
            frmi_buf_printf(b, " %s %zu (%.1f%%)", frm_tier_name(order[i]), d->by_tier[order[i]],
                            pct(d->by_tier[order[i]], d->n_cases));
    frmi_buf_printf(b, ".\n  By model:");
    /* The five with most cases, in dataset order among equals. */
    bool *taken = calloc(t->n_models ? t->n_models : 1, sizeof *taken);
    b->failed |= !taken;
    for (size_t k = 0; k < 5 && taken; k++) {
        size_t best = SIZE_MAX;
        for (size_t m = 0; m < t->n_models; m++)
            if (!taken[m] && d->by_model[m] && (best == SIZE_MAX || d->by_model[m] > d->by_model[best]))
                best = m;
        if (best == SIZE_MAX)
            break;
        taken[best] = true;
        frmi_buf_printf(b, "%s %s %zu (%.1f%%)", k ? "," : "", t->models[best],
                        d->by_model[best], pct(d->by_model[best], d->n_cases));
    }
    free(taken);
    frmi_buf_printf(b, ".\n  Promoted (%s ranks it better than MACs): %zu (%.1f%%); penalised: "
                       "%zu (%.1f%%).\n", metric_label(a), d->promoted,
                    pct(d->promoted, d->n_cases), d->penalised, pct(d->penalised, d->n_cases));
    static const char *const labels[FRMI_N_DIS_TESTS] = {"latency ratio", "memory ratio",
                                                         "accuracy"};
    for (int k = 0; k < FRMI_N_DIS_TESTS; k++) {
        const frmi_disagreement_test *x = &d->tests[k];
        char p[32];
        if (isnan(x->mw.p)) {
            frmi_buf_printf(b, "  %s, promoted vs penalised: not computable (%zu vs %zu "
                               "cases with a value).\n", labels[k], x->n_promoted,
                            x->n_penalised);
            continue;
        }
        frmi_buf_printf(b, "  %s, promoted vs penalised: mean %.3f vs %.3f, Mann-Whitney U = "
                           "%.0f, %s%s.\n", labels[k], x->mean_promoted, x->mean_penalised,
                        x->mw.statistic, p_text(p, x->mw.p),
                        x->mw.p < a->opts.alpha ? " (significant)" : "");
    }
}

static void interactions(frmi_buf *b, const frmi_analysis *a)
{
    const frmi_interactions *in = &a->interactions;
    const frmi_table *t = a->table;
    frmi_buf_printf(b, "Hardware-model interactions (paper 4.6): latency ratio by tier, per "
                       "model\n\n");
    if (in->n_models == 0) {
        frmi_buf_printf(b, "  Not computable: no model has at least 2 latency ratios in each "
                           "of two tiers.\n");
    } else {
        frmi_buf_printf(b, "  %zu of %zu models (%.1f%%) differ significantly across tiers "
                           "(Bonferroni-corrected p < %g).\n", in->n_significant, in->n_models,
                        pct(in->n_significant, in->n_models), a->opts.alpha);
        frmi_buf_printf(b, "  Mean relative change of the median ratio from the first to the "
                           "last tier: %.1f%%.\n", 100.0 * in->mean_rel_diff);
        /* The three largest changes. */
        double last = INFINITY;
        for (int k = 0; k < 3; k++) {
            const frmi_interaction_model *best = NULL;
            for (size_t i = 0; i < in->n_models; i++) {
                const frmi_interaction_model *r = &in->models[i];
                if (r->rel_diff < last && (!best || r->rel_diff > best->rel_diff))
                    best = r;
            }
            if (!best)
                break;
            last = best->rel_diff;
            char p[32];
            frmi_buf_printf(b, "    %-24s %s %.3f -> %s %.3f: %.1f%% %s efficient on %s "
                               "(corrected %s)\n", t->models[best->model],
                            frm_tier_name(best->from), best->median_from,
                            frm_tier_name(best->to), best->median_to, 100.0 * best->rel_diff,
                            best->median_to < best->median_from ? "more" : "less",
                            frm_tier_name(best->to), p_text(p, best->p_bonferroni));
        }
    }
    const double *cv = in->within_tier_cv;
    frmi_buf_printf(b, "  Within-tier CV of latency ratios: gpu ");
    num(b, 0, cv[FRM_TIER_GPU]);
    frmi_buf_printf(b, ", cpu ");
    num(b, 0, cv[FRM_TIER_CPU]);
    frmi_buf_printf(b, ", edge ");
    num(b, 0, cv[FRM_TIER_EDGE]);
    frmi_buf_printf(b, " (overall ");
    num(b, 0, cv[FRM_TIER_UNKNOWN]);
    frmi_buf_printf(b, ").\n");
}

static void baselines(frmi_buf *b, const frmi_analysis *a)
{
    const frmi_baselines *x = &a->baselines;
    frmi_buf_printf(b, "Baseline sensitivity (paper 6.3)\n\n");
    frmi_buf_printf(b, "  %-24s %8s %14s %13s %12s\n", "baseline", "configs", "stability rho",
                    "transfer rho", "mean CV");
    for (size_t i = 0; i < x->n; i++) {
        const frmi_baseline_result *r = &x->items[i];
        frmi_buf_printf(b, "  %-24s %8zu", r->baseline, r->n_configs);
        num(b, 15, r->stability_mean);
        num(b, 14, r->transfer_mean);
        num(b, 13, r->variability_mean_cv);
        if (r->reason[0])
            frmi_buf_printf(b, "   (%s)", r->reason);
        frmi_buf_puts(b, "\n");
    }
    frmi_buf_printf(b, "\n  Within a configuration every model is divided by the same baseline "
                       "values, so ranks, and every\n  rho above, do not depend on the baseline: "
                       "they move only when some configurations lack one.\n  CVs of ratios do "
                       "depend on it.\n");
}

void frmi_report_analysis_text(const frmi_analysis *a, frmi_buf *b)
{
    const frmi_table *t = a->table;
    frmi_buf_printf(b, "%s analysis: %zu configurations (%zu scored), %zu models; baseline %s, "
                       "alpha %g, at least %zu common models per comparison\n",
                    metric_label(a), t->n_dataset_configs, t->n_configs, t->n_models, a->baseline,
                    a->opts.alpha, a->opts.min_common);
    for (size_t i = 0; i < t->n_skipped; i++)
        frmi_buf_printf(b, "  left out: %s: %s\n", t->skipped[i].config_id, t->skipped[i].reason);
    size_t lack_macs = 0;
    for (size_t i = 0; i < t->n_absent; i++)
        lack_macs += strcmp(t->absent[i].field, "macs") == 0 || strcmp(t->absent[i].field, "flops") == 0;
    if (t->n_absent)
        frmi_buf_printf(b, "  left out of every figure: %zu records that lack a component their "
                           "source does not measure (%zu MACs, %zu memory)\n", t->n_absent,
                        lack_macs, t->n_absent - lack_macs);
    static void (*const sections[])(frmi_buf *, const frmi_analysis *) = {
        stability, variability, frameworks, transfer,
        flops, disagreements, interactions, baselines,
    };
    for (size_t i = 0; i < sizeof sections / sizeof sections[0]; i++)
        if (a->sections & (1u << i)) {
            frmi_buf_puts(b, "\n");
            sections[i](b, a);
        }
}
