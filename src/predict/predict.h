/*
 * predict/predict.h - latency on a new configuration from a few models
 * measured there (the anchors) and a dataset of other configurations
 * (docs/predict.md).
 *
 * The dataset is laid out as a matrix of log per-sample latencies,
 * configurations x models, NaN where a configuration did not measure a
 * model.  A target is its anchors' log latencies.  The predictor finds the
 * configurations whose anchor latencies have the target's shape (equal up
 * to one factor), and carries their latencies over, scaled by that factor
 * and weighted by how close the shape is.  Intervals are calibrated on the
 * dataset itself: each configuration in turn predicted from the others
 * with the same anchors.  Nothing here prints.
 */
#ifndef FRM_PREDICT_H
#define FRM_PREDICT_H

#include <stdbool.h>
#include <stddef.h>

#include "frm/record.h"

/* The dataset as a matrix.  Borrows names from the dataset it was built from. */
typedef struct frmi_pred_matrix {
    size_t n_configs, n_models;
    const frm_config **configs;
    const char **models;
    double *log_latency;       /* n_configs x n_models, row-major; ln(ms per sample) */
    double *macs;              /* per model: the median over its records, NaN when none */
    double *memory_mb;         /* per model: the median over its records, NaN when none */
    size_t *device;            /* per configuration: the index of its device, 0 .. n_devices */
    size_t n_devices;
    const frm_entry *no_latency; /* the first record without a positive latency, left out */
    size_t n_no_latency;
} frmi_pred_matrix;

/*
 * Builds the matrix of every "ok" record of `ds` (records with a latency;
 * MACs and memory not needed).  `*out` is the caller's
 * (frmi_pred_matrix_release).  FRM_E_NOMEM only.
 */
frm_code frmi_pred_matrix_build(const frm_dataset *ds, frmi_pred_matrix *out, frm_error *err);
void frmi_pred_matrix_release(frmi_pred_matrix *m);

/* The column of `model`, or SIZE_MAX. */
size_t frmi_pred_model_index(const frmi_pred_matrix *m, const char *model);

static inline double frmi_pred_cell(const frmi_pred_matrix *m, size_t c, size_t j)
{
    return m->log_latency[c * m->n_models + j];
}

typedef struct frmi_pred_options {
    size_t neighbours;         /* configurations averaged per model; 0: 5 */
    double coverage;           /* of the intervals; 0: 0.9 */
    size_t calibration_targets; /* configurations the interval is calibrated on; 0: 300 */
} frmi_pred_options;

/* The target: anchors (model columns) and their log latencies. */
typedef struct frmi_pred_target {
    const size_t *anchors;
    const double *log_latency;
    size_t n_anchors;
} frmi_pred_target;

/* A configuration the prediction leaned on. */
typedef struct frmi_pred_neighbour {
    size_t config;
    double distance;           /* RMS of the anchors' log residuals after scaling */
    double log_scale;          /* ln(target latency / its latency), on the anchors */
    double weight;             /* its share of all the predictions (the weights sum to 1) */
    size_t n_models;           /* models it contributed to */
} frmi_pred_neighbour;

/*
 * What calibration found for a set of anchors.  An interval is
 * ln predicted +- q (dbar + 0.05), dbar the neighbours' weighted mean
 * shape distance (docs/predict.md).
 */
typedef struct frmi_pred_calibration {
    double scale;              /* q: intervals are +- q spread; NaN when nothing calibrated */
    double achieved;           /* the share of calibration residuals inside */
    double median_error;       /* median |ln predicted - ln measured| of the calibration */
    size_t n_residuals;
    size_t neighbours;         /* the neighbour count used */
} frmi_pred_calibration;

typedef struct frmi_pred_result {
    double *log_latency;       /* per model; NaN when no neighbour has it */
    double *log_lo, *log_hi;   /* the interval */
    frmi_pred_calibration calibration;
    frmi_pred_neighbour *neighbours; /* by weight, descending */
    size_t n_neighbours;
} frmi_pred_result;

/*
 * Predicts every model for `target` from the configurations of `m` for
 * which usable[c] is true (NULL: all) and that measured every anchor.
 * Fills `*out` (the caller's: frmi_pred_result_release).
 * FRM_E_ARGUMENT (message in err) for fewer than 2 anchors, an anchor
 * latency that is not finite, or no usable configuration with every
 * anchor; FRM_E_NOMEM.
 */
frm_code frmi_pred_run(const frmi_pred_matrix *m, const bool *usable,
                       const frmi_pred_target *target, const frmi_pred_options *o,
                       frmi_pred_result *out, frm_error *err);
void frmi_pred_result_release(frmi_pred_result *r);

/*
 * The point predictions alone (no neighbour list) into
 * log_latency[0..n_models), and when `spread` is not NULL each one's
 * interval scale (dbar + 0.05; an interval is +- q times it): what
 * calibration and evaluation repeat.
 * `scratch` is frmi_pred_scratch_size(m) bytes.  Returns the number of
 * configurations that qualified (0: nothing predicted).
 */
size_t frmi_pred_scratch_size(const frmi_pred_matrix *m);
size_t frmi_pred_point(const frmi_pred_matrix *m, const bool *usable, const frmi_pred_target *t,
                       size_t neighbours, double *log_latency, double *spread, void *scratch);
/* The same for the models columns[0..n_columns) only; the other cells are left as they are. */
size_t frmi_pred_point_columns(const frmi_pred_matrix *m, const bool *usable,
                               const frmi_pred_target *t, size_t neighbours,
                               const size_t *columns, size_t n_columns, double *log_latency,
                               double *spread, void *scratch);

/*
 * Calibrates for these anchors: up to calibration_targets configurations
 * that measured every anchor, each predicted from the usable
 * configurations of other devices; q is the `coverage` quantile of the
 * pooled |residual| / spread.  FRM_E_NOMEM only.
 */
frm_code frmi_pred_calibrate(const frmi_pred_matrix *m, const bool *usable, const size_t *anchors,
                             size_t n_anchors, const frmi_pred_options *o,
                             frmi_pred_calibration *out, frm_error *err);

/* --- evaluation (evaluate.c) ---------------------------------------------- */

typedef enum frmi_pred_method {
    FRMI_PRED_FRM = 0,         /* the neighbours' predictor above */
    FRMI_PRED_NEAREST,         /* the single nearest configuration, scaled */
    FRMI_PRED_MACS_FIT,        /* ln latency = a + b ln MACs, fitted on the anchors */
    FRMI_PRED_MACS,            /* the ranking by MACs (no latency) */
    FRMI_PRED_REFERENCE,       /* one fixed reference configuration's ranking, scaled */
    FRMI_PRED_N_METHODS
} frmi_pred_method;

const char *frmi_pred_method_name(frmi_pred_method k);

typedef struct frmi_pred_scores {
    size_t n_targets;          /* targets scored */
    double mean_rho, min_rho;  /* Spearman, predicted vs measured, non-anchor models */
    double ordering;           /* mean pairwise ordering accuracy */
    double median_ape, p90_ape; /* |predicted / measured - 1|, pooled; NaN for a ranking */
    double top1, top3;         /* share of targets whose fastest model is predicted 1st, top 3 */
    double coverage;           /* share of measured values inside the interval (FRM only) */
    size_t n_predictions;
} frmi_pred_scores;

typedef enum frmi_pred_group { FRMI_PRED_BY_DEVICE = 0, FRMI_PRED_BY_CONFIG } frmi_pred_group;

typedef struct frmi_pred_eval_options {
    frmi_pred_options predict;
    frmi_pred_group group;     /* what is left out at a time */
    const size_t *anchors;     /* fixed anchors; NULL: chosen per fold (n_anchors of them) */
    size_t n_anchors;
    size_t min_models;         /* a target needs this many non-anchor models; 0: 5 */
} frmi_pred_eval_options;

/* The scores of each method, for all targets and per tier. */
typedef struct frmi_pred_evaluation {
    frmi_pred_scores all[FRMI_PRED_N_METHODS];
    frmi_pred_scores tier[4][FRMI_PRED_N_METHODS];    /* by frm_tier */
    size_t reference;          /* the configuration FRMI_PRED_REFERENCE used, or SIZE_MAX */
    size_t n_folds;
    size_t n_skipped_targets;  /* lacking an anchor or enough other models */
} frmi_pred_evaluation;

/*
 * Leaves each group out in turn and predicts its configurations from the
 * rest.  FRM_E_ARGUMENT when no target can be scored; FRM_E_NOMEM.
 */
frm_code frmi_pred_evaluate(const frmi_pred_matrix *m, const frmi_pred_eval_options *o,
                            frmi_pred_evaluation *out, frm_error *err);

/* --- anchors (anchors.c) --------------------------------------------------- */

/*
 * Chooses `k` anchors greedily: each step adds the model that most raises
 * the mean Spearman rho of configurations predicted from the others
 * (usable ones only; NULL: all), starting from the `n_fixed` anchors
 * already chosen in `anchors`.  Writes anchors[n_fixed .. k) and each
 * step's mean rho into gain[] (may be NULL).  FRM_E_ARGUMENT when no
 * candidate qualifies; FRM_E_NOMEM.
 */
frm_code frmi_pred_suggest(const frmi_pred_matrix *m, const bool *usable, size_t *anchors,
                           size_t n_fixed, size_t k, double *gain, frm_error *err);

#endif
