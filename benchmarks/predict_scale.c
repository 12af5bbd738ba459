/*
 * benchmarks/predict_scale.c - frm predict on SYNTHETIC datasets (every record
 * says "source": "synthetic:bench"), in one process.
 *
 * The dataset: ln latency = a_c + b_m + s_c g_m + noise, configurations
 * two to a device, every model measured everywhere but a tenth of the
 * cells missing at random.  Times
 *
 *   matrix    frmi_pred_matrix_build (the reference: laying the dataset out once)
 *   predict   one target from 3 anchors, its intervals calibrated (frmi_pred_run)
 *   evaluate  every device left out, 3 anchors chosen within each fold
 *
 * for 2,000 configurations x 1,000 models (predict) and 200 x 1,000
 * (evaluate), prints each one's wall time, the ratio to the matrix build
 * and the process's peak resident set, and exits 1 when a bound is missed
 * (predict 2 s and 1 GB, evaluate 30 s).
 *
 *   usage: bench_predict_scale
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "frm/frm.h"
#include "predict/predict.h"
#include "seeded_random.h"

#define SEED 20261207u

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double peak_mb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

static frm_dataset *generate(size_t n_configs, size_t n_models, uint64_t seed)
{
    frm_dataset *ds;
    frm_error err;
    if (frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err) != FRM_OK)
        return NULL;
    uint64_t s = seed;
    double *b = malloc(n_models * sizeof *b), *g = malloc(n_models * sizeof *g);
    for (size_t j = 0; j < n_models; j++) {
        b[j] = 2 * gaussian(&s);
        g[j] = gaussian(&s);
    }
    char config[64], device[64], model[64];
    for (size_t c = 0; c < n_configs; c++) {
        double a = gaussian(&s), k = 0.5 * gaussian(&s);
        snprintf(config, sizeof config, "synthetic-%zu/%s", c / 2, c % 2 ? "tflite" : "ort");
        snprintf(device, sizeof device, "synthetic-%zu", c / 2);
        for (size_t j = 0; j < n_models; j++) {
            if (uniform(&s) < 0.1 && j >= 3)
                continue;          /* a missing cell; the first three are everywhere */
            snprintf(model, sizeof model, "m%zu", j);
            frm_record r;
            frm_record_init(&r);
            r.model = model;
            r.device = device;
            r.tier = (frm_tier)(1 + c % 3);
            r.framework = c % 2 ? "tflite" : "onnxruntime";
            r.config_id = config;
            r.source = "synthetic:bench";
            r.latency_ms.median = exp(a + b[j] + k * g[j] + 0.05 * gaussian(&s));
            if (frm_dataset_add(ds, &r, "synthetic", c * n_models + j + 1, &err) != FRM_OK) {
                fprintf(stderr, "bench_predict_scale: %s\n", err.message);
                frm_dataset_free(ds);
                ds = NULL;
                goto done;
            }
        }
    }
done:
    free(b);
    free(g);
    return ds;
}

int main(void)
{
    int status = 0;
    frm_error err;

    frm_dataset *ds = generate(2000, 1000, SEED);
    if (!ds)
        return 1;
    frmi_pred_matrix m;
    double t0 = now();
    if (frmi_pred_matrix_build(ds, &m, &err) != FRM_OK) {
        fprintf(stderr, "bench_predict_scale: %s\n", err.message);
        return 1;
    }
    double matrix = now() - t0;
    size_t anchors[3] = {0, 1, 2};
    /* a target: configuration 0's anchors, scaled, the dataset minus its device */
    double y[3];
    for (int a = 0; a < 3; a++)
        y[a] = frmi_pred_cell(&m, 0, anchors[a]) + 0.7;
    bool *usable = malloc(m.n_configs * sizeof *usable);
    for (size_t c = 0; c < m.n_configs; c++)
        usable[c] = m.device[c] != m.device[0];
    frmi_pred_target t = {anchors, y, 3};
    frmi_pred_options o = {0, 0, 0};
    frmi_pred_result r;
    t0 = now();
    if (frmi_pred_run(&m, usable, &t, &o, &r, &err) != FRM_OK) {
        fprintf(stderr, "bench_predict_scale: %s\n", err.message);
        return 1;
    }
    double predict = now() - t0, predict_peak = peak_mb();
    printf("frm predict on SYNTHETIC data (ln latency = a_c + b_m + s_c g_m + noise)\n");
    printf("  2000 x 1000   matrix   %7.3f s   (the reference)\n", matrix);
    printf("  2000 x 1000   predict  %7.3f s   %6.1fx the matrix   peak RSS %.0f MB   "
           "(%zu calibration predictions)\n", predict, predict / matrix, predict_peak,
           r.calibration.n_residuals);
    if (predict > 2.0 || predict_peak > 1024) {
        printf("  FAILED: predict must take under 2 s and 1 GB\n");
        status = 1;
    }
    frmi_pred_result_release(&r);
    free(usable);
    frmi_pred_matrix_release(&m);
    frm_dataset_free(ds);

    ds = generate(200, 1000, SEED + 1);
    if (!ds || frmi_pred_matrix_build(ds, &m, &err) != FRM_OK)
        return 1;
    t0 = now();
    frmi_pred_matrix m2;
    frmi_pred_matrix_build(ds, &m2, &err);
    double matrix2 = now() - t0;
    frmi_pred_matrix_release(&m2);
    frmi_pred_eval_options eo = {{0, 0, 0}, FRMI_PRED_BY_DEVICE, NULL, 3, 0};
    frmi_pred_evaluation ev;
    t0 = now();
    if (frmi_pred_evaluate(&m, &eo, &ev, &err) != FRM_OK) {
        fprintf(stderr, "bench_predict_scale: %s\n", err.message);
        return 1;
    }
    double evaluate = now() - t0;
    printf("   200 x 1000   matrix   %7.3f s   (the reference)\n", matrix2);
    printf("   200 x 1000   evaluate %7.3f s   %6.0fx the matrix   %zu folds, %zu targets, "
           "mean rho %.3f, coverage %.3f\n", evaluate, evaluate / matrix2, ev.n_folds,
           ev.all[FRMI_PRED_FRM].n_targets, ev.all[FRMI_PRED_FRM].mean_rho,
           ev.all[FRMI_PRED_FRM].coverage);
    if (evaluate > 30) {
        printf("  FAILED: evaluate must take under 30 s\n");
        status = 1;
    }
    frmi_pred_matrix_release(&m);
    frm_dataset_free(ds);
    return status;
}
