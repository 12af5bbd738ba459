/*
 * analysis/analysis.h - the paper's cross-platform analysis
 * (docs/analysis.md), one file per section.
 *
 * A dataset is scored once and laid out as a dense table, configurations x
 * models, one matrix per value (NaN where a model was not scored); every
 * section then works on rows and columns of numbers, never on names.  Each
 * section fills its own result struct; report/ turns them into text or
 * JSON.  Nothing here prints.
 */
#ifndef FRM_ANALYSIS_H
#define FRM_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frm/metric.h"
#include "frm/record.h"

/* The values kept per (configuration, model); see docs/analysis.md. */
typedef enum frmi_value {
    FRMI_METRIC = 0,      /* the chosen metric */
    FRMI_FRM,             /* plain FRM */
    FRMI_FRM_E,
    FRMI_LATENCY_RATIO,
    FRMI_MEMORY_RATIO,
    FRMI_LATENCY,         /* per sample, ms */
    FRMI_MEMORY,          /* MB */
    FRMI_MACS,
    FRMI_ACCURACY,
    FRMI_N_VALUES
} frmi_value;

/* Sections, as bits of frm_analysis_options.sections. */
enum {
    FRMI_SECTION_STABILITY = 1 << 0,
    FRMI_SECTION_VARIABILITY = 1 << 1,
    FRMI_SECTION_FRAMEWORKS = 1 << 2,
    FRMI_SECTION_TRANSFER = 1 << 3,
    FRMI_SECTION_FLOPS = 1 << 4,
    FRMI_SECTION_DISAGREEMENTS = 1 << 5,
    FRMI_SECTION_INTERACTIONS = 1 << 6,
    FRMI_SECTION_BASELINES = 1 << 7,
    FRMI_SECTION_ALL = (1 << 8) - 1
};

/* "stability", ...; NULL past the last.  Parses a name to its bit, 0 if unknown. */
const char *frmi_section_name(unsigned bit);
unsigned frmi_section_parse(const char *name);

/* A --tier-of override: `key` is a config_id or a device. */
typedef struct frmi_tier_override {
    const char *key;
    frm_tier tier;
} frmi_tier_override;

typedef struct frmi_analysis_options {
    const char *baseline;              /* NULL: resnet50 */
    frm_metric metric;
    frm_q_rule q_rule;
    size_t min_common;                 /* 0: 4 */
    double alpha;                      /* 0: 0.05 */
    const char *const *models;         /* NULL: every model */
    size_t n_models;
    const frmi_tier_override *tiers;
    size_t n_tiers;
    const char *const *baselines;      /* NULL: resnet50, mobilenetv2_100, efficientnet_b0 */
    size_t n_baselines;
    unsigned sections;                 /* 0: all */
} frmi_analysis_options;

/* A configuration left out of the table, and why. */
typedef struct frmi_skipped {
    const char *config_id;             /* borrowed from the dataset */
    char reason[200];
} frmi_skipped;

/*
 * The scored dataset.  Configurations are the scored ones in dataset
 * order; models the analysed ones in dataset order.  v[k] is n_configs x
 * n_models, row-major.  Borrows names from the dataset.
 */
typedef struct frmi_table {
    size_t n_configs, n_models;
    const frm_config **configs;
    frm_tier *tiers;                   /* after --tier-of */
    const char **models;
    size_t baseline;                   /* column of the baseline, or SIZE_MAX */
    double *v[FRMI_N_VALUES];
    bool has_frm_e;                    /* some cell of v[FRMI_FRM_E] is a number */
    frmi_skipped *skipped;
    size_t n_skipped;
    frm_score_absent *absent;          /* records lacking macs or memory, left out; owned */
    size_t n_absent;
    size_t n_dataset_configs, n_dataset_models;
} frmi_table;

/*
 * Scores `ds` against `baseline` and lays it out; `*out` is the caller's
 * (frmi_table_free).  FRM_E_ARGUMENT for an unknown --models name, a
 * --tier-of key that matches nothing, or a baseline absent from the
 * dataset, with the name in `err`.
 */
frm_code frmi_table_build(const frm_dataset *ds, const frmi_analysis_options *opts,
                          const char *baseline, frmi_table **out, frm_error *err);
void frmi_table_free(frmi_table *t);

static inline double frmi_cell(const frmi_table *t, frmi_value k, size_t c, size_t m)
{
    return t->v[k][c * t->n_models + m];
}

/*
 * Ranks of value k within configuration c over the models that have it,
 * into ranks[0..n_models) (NaN for the others), and how many into
 * *count.  `scratch` holds 2 n_models doubles.  Fails only for memory.
 */
frm_code frmi_table_rank_row(const frmi_table *t, frmi_value k, size_t c, double *ranks,
                             double *scratch, size_t *count);

/*
 * Spearman's rho of value k between every pair of configurations, on the
 * models both have.  rho[a * n + b] is NaN when the pair is skipped
 * (common[a * n + b] < min_common) or undefined (a constant side).
 */
typedef struct frmi_rho_matrix {
    size_t n;
    double *rho;
    uint32_t *common;
} frmi_rho_matrix;

frm_code frmi_rho_matrix_build(const frmi_table *t, frmi_value k, size_t min_common,
                               frmi_rho_matrix *out);
void frmi_rho_matrix_release(frmi_rho_matrix *m);
/* p of the pair's rho; NaN when the rho is. */
double frmi_rho_matrix_p(const frmi_rho_matrix *m, size_t a, size_t b);

/* --- Results -------------------------------------------------------------- */

/* A statistic and its p-value; NaN when not computable. */
typedef struct frmi_test {
    double statistic, p;
} frmi_test;

/* Summary of the rhos of a set of configuration pairs. */
typedef struct frmi_rho_summary {
    double mean, std, median;
    size_t n;                          /* defined rhos */
    size_t n_significant;
    size_t n_skipped, n_undefined;
} frmi_rho_summary;

/*
 * Summarises the defined rhos[0..n) and their p-values ps[0..n) into
 * everything but the skipped and undefined counts, which the caller
 * keeps.  Sorts `rhos` in place.
 */
void frmi_rho_summarize(double *rhos, const double *ps, size_t n, double alpha,
                        frmi_rho_summary *out);

/* Mean, sample std and median of x[0..n) (sorted in place); NaN when empty. */
void frmi_describe_values(double *x, size_t n, double *mean, double *std, double *median);

/*
 * Pairwise ordering accuracy of (xs[i], ys[i]), i < n, xs ascending: the
 * share of pairs ordered alike (ties in both count as alike).  Reorders
 * ys; `tmp` holds n doubles.
 */
double frmi_ordering_agreement(const double *xs, double *ys, size_t n, double *tmp);

/* Mann-Whitney of x against y (two-sided); NaN for an empty side. */
frmi_test frmi_mann_whitney(const double *x, size_t nx, const double *y, size_t ny);

/*
 * The same for correlation coefficients, rounded to 12 decimals first:
 * rhos that are equal in exact arithmetic (two identical rankings give 1)
 * can differ in their last bits depending on how they were summed, and
 * Mann-Whitney's ranks must see them as the ties they are.  Fails only
 * for memory.
 */
frm_code frmi_mann_whitney_rhos(const double *x, size_t nx, const double *y, size_t ny,
                                frmi_test *out);

/* --- stability.c ---------------------------------------------------------- */

typedef struct frmi_stability_entry {
    const char *name;                  /* "frm", "latency", ... */
    frmi_value value;
    frmi_rho_summary s;
} frmi_stability_entry;

typedef struct frmi_stability {
    frmi_stability_entry entries[8];
    size_t n_entries;
    frmi_test mw_metric_vs_latency;
} frmi_stability;

/* `mats` holds one rho matrix per value (built when needed, kept for others). */
typedef struct frmi_rho_cache {
    frmi_rho_matrix m[FRMI_N_VALUES];
    bool built[FRMI_N_VALUES];
    size_t min_common;
} frmi_rho_cache;

frm_code frmi_rho_cache_get(frmi_rho_cache *cache, const frmi_table *t, frmi_value k,
                            const frmi_rho_matrix **out);
void frmi_rho_cache_release(frmi_rho_cache *cache);

frm_code frmi_stability_run(const frmi_table *t, frmi_rho_cache *cache, frm_metric metric,
                            double alpha, frmi_stability *out);

/* --- variability.c -------------------------------------------------------- */

enum { FRMI_CV_METRIC, FRMI_CV_LATENCY_RATIO, FRMI_CV_LATENCY_RAW, FRMI_CV_MEMORY_RATIO,
       FRMI_CV_MEMORY_RAW, FRMI_N_CV };

typedef struct frmi_variability {
    double mean_cv[FRMI_N_CV], median_cv[FRMI_N_CV];
    size_t n_models;
    frmi_test wilcoxon_vs_latency_raw, wilcoxon_vs_latency_ratio;
} frmi_variability;

extern const char *const frmi_cv_names[FRMI_N_CV];

frm_code frmi_variability_run(const frmi_table *t, frmi_variability *out);

/* --- frameworks.c --------------------------------------------------------- */

typedef struct frmi_framework_pair {
    size_t a, b;                       /* configuration rows */
    uint32_t n;
    double rho, p;
} frmi_framework_pair;

typedef struct frmi_frameworks {
    frmi_rho_summary s;
    frmi_framework_pair *pairs;        /* owned; every same-device pair */
    size_t n_pairs;
    size_t n_devices;                  /* devices with two configurations or more */
} frmi_frameworks;

frm_code frmi_frameworks_run(const frmi_table *t, frmi_rho_cache *cache, double alpha,
                             frmi_frameworks *out);
void frmi_frameworks_release(frmi_frameworks *f);

/* --- transfer.c ----------------------------------------------------------- */

enum { FRMI_GPU_CPU, FRMI_GPU_EDGE, FRMI_CPU_EDGE, FRMI_N_TIER_PAIRS };
extern const char *const frmi_tier_pair_names[FRMI_N_TIER_PAIRS];

typedef struct frmi_transfer_group {
    frmi_rho_summary metric, latency;
    double pairwise_accuracy_mean;
} frmi_transfer_group;

typedef struct frmi_transfer {
    frmi_transfer_group by_pair[FRMI_N_TIER_PAIRS];
    frmi_transfer_group overall;
    frmi_test mw_metric_vs_latency;
} frmi_transfer;

frm_code frmi_transfer_run(const frmi_table *t, frmi_rho_cache *cache, double alpha,
                           frmi_transfer *out);

/* --- flops.c and disagreements.c ------------------------------------------ */

typedef struct frmi_flops {
    double mean_rho, std_rho, median_rho;
    size_t n_configs;                  /* defined rhos */
    size_t n_above_095;
    double mean_rank_diff;             /* over the same configurations */
} frmi_flops;

frm_code frmi_flops_run(const frmi_table *t, size_t min_common, frmi_flops *out);

typedef struct frmi_disagreement_test {
    frmi_test mw;
    size_t n_promoted, n_penalised;
    double mean_promoted, mean_penalised;
} frmi_disagreement_test;

enum { FRMI_DIS_LATENCY_RATIO, FRMI_DIS_MEMORY_RATIO, FRMI_DIS_ACCURACY, FRMI_N_DIS_TESTS };
extern const char *const frmi_disagreement_test_names[FRMI_N_DIS_TESTS];

typedef struct frmi_disagreements {
    size_t n_cases, n_configs_with_case, n_configs;
    size_t by_tier[4];                 /* indexed by frm_tier */
    bool tier_present[4];
    size_t *by_model;                  /* owned; n_models counts */
    size_t promoted, penalised;
    frmi_disagreement_test tests[FRMI_N_DIS_TESTS];
} frmi_disagreements;

frm_code frmi_disagreements_run(const frmi_table *t, size_t min_common,
                                frmi_disagreements *out);
void frmi_disagreements_release(frmi_disagreements *d);

/* --- interactions.c ------------------------------------------------------- */

typedef struct frmi_interaction_model {
    size_t model;                      /* column */
    bool kruskal;                      /* Kruskal-Wallis (3 tiers), else Mann-Whitney */
    frmi_test test;
    double p_bonferroni;
    bool significant;
    double rel_diff;
    frm_tier from, to;
    double median_from, median_to;
} frmi_interaction_model;

typedef struct frmi_interactions {
    frmi_interaction_model *models;    /* owned; the tested models */
    size_t n_models;
    size_t n_significant;
    double mean_rel_diff;
    double within_tier_cv[4];          /* by frm_tier; [FRM_TIER_UNKNOWN] is the overall mean */
} frmi_interactions;

frm_code frmi_interactions_run(const frmi_table *t, double alpha, frmi_interactions *out);
void frmi_interactions_release(frmi_interactions *in);

/* --- baselines.c ---------------------------------------------------------- */

typedef struct frmi_baseline_result {
    const char *baseline;              /* borrowed from the options */
    size_t n_configs;
    double stability_mean, transfer_mean, variability_mean_cv;
    char reason[200];                  /* why the figures are NaN, or empty */
} frmi_baseline_result;

typedef struct frmi_baselines {
    frmi_baseline_result *items;       /* owned */
    size_t n;
} frmi_baselines;

frm_code frmi_baselines_run(const frm_dataset *ds, const frmi_analysis_options *opts,
                            frmi_baselines *out, frm_error *err);
void frmi_baselines_release(frmi_baselines *b);

/* --- analysis.c: everything together -------------------------------------- */

typedef struct frmi_analysis {
    frmi_analysis_options opts;        /* with defaults filled in; borrowed strings */
    const char *baseline;
    unsigned sections;
    frmi_table *table;
    frmi_stability stability;
    frmi_variability variability;
    frmi_frameworks frameworks;
    frmi_transfer transfer;
    frmi_flops flops;
    frmi_disagreements disagreements;
    frmi_interactions interactions;
    frmi_baselines baselines;
} frmi_analysis;

/*
 * Runs the sections of opts->sections on `ds`.  `*out` is the caller's
 * (frmi_analysis_free) and borrows from `ds` and `opts`, which must
 * outlive it.
 */
frm_code frmi_analysis_run(const frm_dataset *ds, const frmi_analysis_options *opts,
                           frmi_analysis **out, frm_error *err);
void frmi_analysis_free(frmi_analysis *a);

/* --- select.c ------------------------------------------------------------- */

typedef struct frmi_select_options {
    const char *reference, *target;    /* config_id or device; target may be NULL */
    double max_latency_ms;             /* NaN: no limit */
    double min_accuracy;               /* NaN: no floor; a fraction */
    const char *const *candidates;     /* NULL: every model of the reference */
    size_t n_candidates;
} frmi_select_options;

typedef struct frmi_candidate {
    size_t model;                      /* column */
    double metric, macs, accuracy;     /* on the reference */
    double target_latency;             /* per sample on the target; NaN if not measured */
    bool eligible;                     /* passes the accuracy floor */
    bool pareto;
} frmi_candidate;

typedef struct frmi_selection {
    frmi_table *table;                 /* owned */
    size_t reference;                  /* row of the table */
    size_t target;                     /* dataset configuration; SIZE_MAX when none */
    const char *target_id;             /* its config_id (borrowed), or NULL */
    frmi_candidate *candidates;        /* owned */
    size_t n_candidates, n_eligible;
    size_t macs_pick, metric_pick;     /* indexes into candidates, SIZE_MAX if none */
    size_t fastest;                    /* on the target, SIZE_MAX if unknown */
    size_t n_measured_on_target;
} frmi_selection;

frm_code frmi_select_run(const frm_dataset *ds, const frmi_analysis_options *aopts,
                         const frmi_select_options *sopts, frmi_selection **out,
                         frm_error *err);
void frmi_selection_free(frmi_selection *s);

#endif
