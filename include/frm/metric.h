/*
 * frm/metric.h - the FRM metric and its variants (docs/metric.md).
 *
 * For model M in configuration c, with baseline B measured in the same c:
 *
 *   r_flops  = ops(M) / ops(B)            ops = MACs by default, or FLOPs
 *   r_lat    = lat(M) / lat(B)            per-sample median: latency_ms / batch
 *   r_mem    = mem(M) / mem(B)            memory_mb.peak
 *   r_energy = energy(M) / energy(B)      energy_mj, FRM_E only
 *
 *   FRM   = (r_flops * r_lat * r_mem) ^ (1/3)
 *   FRM_E = (r_flops * r_lat * r_mem * r_energy) ^ (1/4)
 *   FRM_Q = FRM * (1 - acc(M)) / (1 - acc(B))        error-ratio rule (default)
 *   FRM_Q = FRM / (1 - acc(M))                       the paper's literal rule
 *
 * Geometric means are computed as the exponential of the mean of logs.
 * Lower is better.  Ranks are 1 for the lowest value, ties get the average
 * of the ranks they span.
 */
#ifndef FRM_METRIC_H
#define FRM_METRIC_H

#include <stddef.h>

#include "frm/error.h"
#include "frm/record.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum frm_metric {
    FRM_METRIC_FRM = 0,
    FRM_METRIC_FRM_E,
    FRM_METRIC_FRM_Q
} frm_metric;

typedef enum frm_q_rule {
    FRM_Q_ERROR_RATIO = 0,     /* FRM * (1 - acc(M)) / (1 - acc(B)) */
    FRM_Q_PAPER                /* FRM / (1 - acc(M)), as printed in the paper */
} frm_q_rule;

typedef enum frm_ops {
    FRM_OPS_MACS = 0,          /* r_flops from `macs` (the paper's "FLOPs") */
    FRM_OPS_FLOPS              /* r_flops from `flops` */
} frm_ops;

/* "frm", "frm_e", "frm_q". */
const char *frm_metric_name(frm_metric m);

typedef struct frm_score_options {
    const char *baseline;      /* model name; NULL means "resnet50" */
    frm_metric metric;
    frm_q_rule q_rule;
    frm_ops ops;
    /* Called once per configuration or model that cannot be scored. */
    frm_diag_fn diag;
    void *ctx;
} frm_score_options;

/* Zero options: baseline resnet50, FRM, error-ratio FRM_Q, MACs. */
#define FRM_SCORE_OPTIONS_INIT {NULL, FRM_METRIC_FRM, FRM_Q_ERROR_RATIO, FRM_OPS_MACS, NULL, NULL}

typedef struct frm_score_row {
    const frm_entry *entry;    /* borrowed from the dataset */
    double r_flops, r_latency, r_memory;
    double r_energy;           /* NaN unless metric is FRM_E */
    double accuracy;           /* NaN unless metric is FRM_Q */
    double frm;                /* plain FRM, whatever the metric */
    double value;              /* the chosen metric */
    double rank;               /* of value within the configuration */
    double ops_rank;           /* of r_flops within the configuration */
} frm_score_row;

typedef struct frm_score_group {
    const frm_config *config;  /* borrowed from the dataset */
    const frm_entry *baseline;
    size_t first, count;       /* rows[first .. first+count), sorted by rank */
} frm_score_group;

/*
 * A record left out because it lacks a component that its source does not
 * measure (ncnn's tables give no memory, AI Hub no MACs): not an error,
 * but never silent either.
 */
typedef struct frm_score_absent {
    const frm_entry *entry;    /* borrowed from the dataset */
    const char *field;         /* static: "macs", "flops" or "memory_mb.peak" */
    bool baseline;             /* the configuration's baseline lacks it, so all of it is out */
} frm_score_absent;

typedef struct frm_scores {
    frm_metric metric;
    frm_score_row *rows;
    size_t n_rows;
    frm_score_group *groups;   /* in order of first appearance in the dataset */
    size_t n_groups;
    frm_score_absent *absent;  /* in dataset order of configurations */
    size_t n_absent;
} frm_scores;

/*
 * Scores every configuration of `ds`.  A configuration without the
 * baseline, or whose baseline has an unusable component, is left out; a
 * model with an unusable component is left out of its configuration.  Each
 * omission is passed to opts->diag, and the call then returns FRM_E_BASELINE
 * or FRM_E_VALUE (the first met) while `*out` still holds everything that
 * could be scored.  A record that lacks macs, flops or memory_mb (absent,
 * not invalid) is no failure: it is listed in `absent` (and passed to
 * opts->diag with code FRM_E_ABSENT) and the call can still return FRM_OK.  `*out` is owned by the caller (frm_scores_free) and
 * borrows from `ds`, which must outlive it.
 */
frm_code frm_score_dataset(const frm_dataset *ds, const frm_score_options *opts,
                           frm_scores **out, frm_error *err);

void frm_scores_free(frm_scores *s);

#ifdef __cplusplus
}
#endif

#endif
