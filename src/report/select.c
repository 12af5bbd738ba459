/*
 * report/select.c - the model selection case study, as text and as JSON.
 */
#include <math.h>
#include <stdio.h>

#include "report/report.h"

static const char *config_id(const frmi_selection *s, size_t row)
{
    return s->table->configs[row]->config_id;
}

static const char *name(const frmi_selection *s, size_t i)
{
    return i == SIZE_MAX ? NULL : s->table->models[s->candidates[i].model];
}

/* "meets" / "misses" the limit, or NULL when it cannot be told. */
static const char *verdict(const frmi_selection *s, const frmi_select_options *o, size_t i)
{
    if (i == SIZE_MAX || isnan(s->candidates[i].target_latency) || isnan(o->max_latency_ms))
        return NULL;
    return s->candidates[i].target_latency <= o->max_latency_ms ? "meets" : "misses";
}

static void pick_json(frmi_jsonw *w, const char *key, const frmi_selection *s,
                      const frmi_select_options *o, size_t i)
{
    frmi_jsonw_key(w, key);
    if (i == SIZE_MAX) {
        frmi_jsonw_null(w);
        return;
    }
    const frmi_candidate *c = &s->candidates[i];
    frmi_jsonw_object(w);
    frmi_jsonw_key(w, "model");
    frmi_jsonw_string(w, name(s, i));
    frmi_jsonw_key(w, "target_latency_ms");
    frmi_jsonw_number(w, c->target_latency);
    frmi_jsonw_key(w, "meets_limit");
    const char *v = verdict(s, o, i);
    if (v)
        frmi_jsonw_bool(w, v[0] == 'm' && v[1] == 'e');
    else
        frmi_jsonw_null(w);
    frmi_jsonw_end(w);
}

void frmi_report_selection_json(const frmi_selection *s, const frmi_select_options *o,
                                frmi_buf *out)
{
    frmi_jsonw w;
    frmi_jsonw_init(&w, out, true);
    frmi_jsonw_object(&w);
    frmi_jsonw_key(&w, "schema");
    frmi_jsonw_string(&w, "frm.selection/1");
    frmi_jsonw_key(&w, "reference");
    frmi_jsonw_string(&w, config_id(s, s->reference));
    frmi_jsonw_key(&w, "target");
    frmi_jsonw_string(&w, s->target_id);
    frmi_jsonw_key(&w, "max_latency_ms");
    frmi_jsonw_number(&w, o->max_latency_ms);
    frmi_jsonw_key(&w, "min_accuracy");
    frmi_jsonw_number(&w, o->min_accuracy);
    frmi_jsonw_key(&w, "candidates");
    frmi_jsonw_array(&w);
    for (size_t i = 0; i < s->n_candidates; i++) {
        const frmi_candidate *c = &s->candidates[i];
        frmi_jsonw_object(&w);
        frmi_jsonw_key(&w, "model");
        frmi_jsonw_string(&w, name(s, i));
        frmi_jsonw_key(&w, "metric");
        frmi_jsonw_number(&w, c->metric);
        frmi_jsonw_key(&w, "macs");
        frmi_jsonw_number(&w, c->macs);
        frmi_jsonw_key(&w, "accuracy");
        frmi_jsonw_number(&w, c->accuracy);
        frmi_jsonw_key(&w, "eligible");
        frmi_jsonw_bool(&w, c->eligible);
        frmi_jsonw_key(&w, "pareto");
        frmi_jsonw_bool(&w, c->pareto);
        frmi_jsonw_key(&w, "target_latency_ms");
        frmi_jsonw_number(&w, c->target_latency);
        frmi_jsonw_end(&w);
    }
    frmi_jsonw_end(&w);
    pick_json(&w, "macs_pick", s, o, s->macs_pick);
    pick_json(&w, "frm_pick", s, o, s->metric_pick);
    pick_json(&w, "fastest_on_target", s, o, s->fastest);
    frmi_jsonw_end(&w);
    frmi_buf_puts(out, "\n");
}

static void pick_text(frmi_buf *b, const char *label, const frmi_selection *s,
                      const frmi_select_options *o, size_t i)
{
    if (i == SIZE_MAX) {
        frmi_buf_printf(b, "  %-22s none: no candidate passes the accuracy floor\n", label);
        return;
    }
    const frmi_candidate *c = &s->candidates[i];
    frmi_buf_printf(b, "  %-22s %s", label, name(s, i));
    if (s->target != SIZE_MAX) {
        if (isnan(c->target_latency))
            frmi_buf_printf(b, "  (not measured on the target)");
        else {
            frmi_buf_printf(b, "  %.3f ms on the target", c->target_latency);
            const char *v = verdict(s, o, i);
            if (v)
                frmi_buf_printf(b, ": %s the %g ms limit", v, o->max_latency_ms);
        }
    }
    frmi_buf_puts(b, "\n");
}

void frmi_report_selection_text(const frmi_selection *s, const frmi_select_options *o,
                                frmi_buf *b)
{
    frmi_buf_printf(b, "Model selection (paper section 5)\n  reference  %s\n",
                    config_id(s, s->reference));
    if (s->target != SIZE_MAX)
        frmi_buf_printf(b, "  target     %s\n", s->target_id);
    if (!isnan(o->max_latency_ms))
        frmi_buf_printf(b, "  limit      %g ms per sample on the target\n", o->max_latency_ms);
    if (!isnan(o->min_accuracy))
        frmi_buf_printf(b, "  floor      top-1 accuracy >= %.1f%%\n", 100.0 * o->min_accuracy);
    frmi_buf_printf(b, "\n  %-24s %10s %10s %9s %12s  %s\n", "candidate", "metric", "GMACs",
                    "top-1", "target ms", "");
    for (size_t i = 0; i < s->n_candidates; i++) {
        const frmi_candidate *c = &s->candidates[i];
        frmi_buf_printf(b, "  %-24s %10.3f %10.3f", name(s, i), c->metric, c->macs / 1e9);
        if (isnan(c->accuracy))
            frmi_buf_printf(b, " %9s", "-");
        else
            frmi_buf_printf(b, " %8.1f%%", 100.0 * c->accuracy);
        if (isnan(c->target_latency))
            frmi_buf_printf(b, " %12s", "-");
        else
            frmi_buf_printf(b, " %12.3f", c->target_latency);
        /* a model nobody measured the accuracy of is not below the floor: it is unknown */
        frmi_buf_printf(b, "  %s%s\n",
                        c->eligible ? "" : isnan(c->accuracy) ? "accuracy unknown" : "below the floor",
                        c->pareto ? "pareto" : "");
    }
    frmi_buf_printf(b, "\n  %zu candidates, %zu pass the floor.\n", s->n_candidates,
                    s->n_eligible);
    pick_text(b, "MACs pick:", s, o, s->macs_pick);
    pick_text(b, "FRM pick (reference):", s, o, s->metric_pick);
    if (s->target == SIZE_MAX)
        return;
    if (s->fastest == SIZE_MAX) {
        frmi_buf_printf(b, "  The target has no record of any eligible candidate: the picks "
                           "cannot be checked.\n");
        return;
    }
    pick_text(b, "Fastest on the target:", s, o, s->fastest);
    if (s->n_measured_on_target < s->n_eligible)
        frmi_buf_printf(b, "  (%zu of %zu eligible candidates were measured on the target)\n",
                        s->n_measured_on_target, s->n_eligible);
}
