/*
 * benchmarks/analysis_scale.c - cost of all pairwise Spearman correlations
 * between the rows of a table, against the naive pairwise loop.
 *
 * The cross-platform analysis correlates every pair of configurations
 * (rows) over the models they ran (columns).  For each size of a ladder of
 * synthetic tables (seeded; each column has a base latency, each row a
 * speed and a noise level, each cell that row's noise, rounded to 0.01 ms
 * so that fast models tie as measured ones do) it times in one process:
 *
 *   matrix     frm_rank_spearman_matrix over the whole table
 *   p-values   frm_rank_spearman_p over the upper triangle
 *   reference  frm_rank_spearman (rho and p) for every pair, in a loop;
 *              past FULL_REFERENCE pairs (minutes), only SAMPLED_PAIRS
 *              pairs drawn at random are timed and the time is scaled to
 *              all pairs
 *
 * and prints the seconds, the speed-up of matrix + p-values over the
 * reference, the peak resident set of the process during the first matrix
 * + p-values (VmHWM, reset before each size where the kernel allows; it
 * includes the table, rho and the p-values) and the largest difference
 * between the matrix's rho and the reference's over the pairs it computed.
 *
 *   usage: bench_analysis_scale      (OPENBLAS_NUM_THREADS sets the BLAS's threads)
 */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "seeded_random.h"
#include "frm/frm.h"

#define SEED 20240611u
#define FULL_REFERENCE 200000
#define SAMPLED_PAIRS 20000
#define MIN_SECONDS 1.0         /* repeat the fast path at least this long */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Latency in ms of configuration i on model j, row-major. */
static double *synthetic_table(size_t rows, size_t cols)
{
    double *v = malloc(rows * cols * sizeof *v);
    double *base = malloc(cols * sizeof *base);
    if (!v || !base) {
        fprintf(stderr, "bench_analysis_scale: out of memory\n");
        exit(1);
    }
    uint64_t s = SEED ^ (uint64_t)(rows * 1000003u + cols);
    for (size_t j = 0; j < cols; j++)
        base[j] = exp(log(0.2) + (log(2000.0) - log(0.2)) * uniform(&s));
    for (size_t i = 0; i < rows; i++) {
        double speed = exp(0.8 * gaussian(&s)), sigma = 0.05 + 0.55 * uniform(&s);
        for (size_t j = 0; j < cols; j++) {
            double ms = base[j] * speed * exp(sigma * gaussian(&s));
            v[i * cols + j] = fmax(0.01, round(ms * 100.0) / 100.0);
        }
    }
    free(base);
    return v;
}

/* Resets the peak resident set to the current one; 0 when unsupported. */
static int reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (!f)
        return 0;
    int ok = fputs("5", f) >= 0;
    return fclose(f) == 0 && ok;
}

static double peak_rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return (double)kb / 1024.0;
}

static void check(frm_code rc, const char *what)
{
    if (rc != FRM_OK) {
        fprintf(stderr, "bench_analysis_scale: %s: %s\n", what, frm_strerror(rc));
        exit(1);
    }
}

typedef struct result {
    double matrix_s, p_s, peak_mb;
    double reference_s;         /* for all pairs, extrapolated when sampled */
    size_t reference_pairs;     /* how many pairs it actually timed */
    double max_diff;            /* largest |rho matrix - rho reference| */
} result;

static void run_size(size_t rows, size_t cols, int peak_resets, result *out)
{
    double *v = synthetic_table(rows, cols);
    size_t pairs = rows * (rows - 1) / 2;
    double *rho = malloc(rows * rows * sizeof *rho);
    double *p = malloc((pairs ? pairs : 1) * sizeof *p);
    if (!rho || !p) {
        fprintf(stderr, "bench_analysis_scale: out of memory\n");
        exit(1);
    }

    if (peak_resets)
        reset_peak_rss();
    out->matrix_s = out->p_s = INFINITY;
    double spent = 0.0;
    for (int rep = 0; rep < 2 || spent < MIN_SECONDS; rep++) {
        double t0 = now();
        check(frm_rank_spearman_matrix(v, rows, cols, rho), "frm_rank_spearman_matrix");
        double t1 = now();
        size_t k = 0;
        for (size_t i = 0; i < rows; i++)
            for (size_t j = i + 1; j < rows; j++)
                p[k++] = frm_rank_spearman_p(rho[i * rows + j], cols);
        double t2 = now();
        out->matrix_s = fmin(out->matrix_s, t1 - t0);
        out->p_s = fmin(out->p_s, t2 - t1);
        spent += t2 - t0;
        if (rep == 0)
            out->peak_mb = peak_rss_mb();
    }

    uint64_t s = SEED;
    int sampled = pairs > FULL_REFERENCE;
    size_t n_ref = sampled ? SAMPLED_PAIRS : pairs, i = 0, j = 0;
    out->max_diff = 0.0;
    double t0 = now();
    for (size_t k = 0; k < n_ref; k++) {
        if (sampled) {
            do {
                i = (size_t)(next_u64(&s) % rows);
                j = (size_t)(next_u64(&s) % rows);
            } while (i == j);
        } else if (++j == rows) {
            i++;
            j = i + 1;
        }
        double r, pv;
        check(frm_rank_spearman(v + i * cols, v + j * cols, cols, &r, &pv), "frm_rank_spearman");
        out->max_diff = fmax(out->max_diff, fabs(r - rho[i * rows + j]));
    }
    out->reference_s = (now() - t0) * (double)pairs / (double)n_ref;
    out->reference_pairs = n_ref;
    free(v);
    free(rho);
    free(p);
}

int main(void)
{
    static const size_t ladder[][2] = {{119, 13}, {500, 100}, {1000, 500}, {2000, 1000}};
    int peak_resets = reset_peak_rss();
    printf("synthetic tables (seed %u): rows = configurations, columns = models\n", SEED);
    printf("BLAS: %s, %d threads\n", openblas_get_config(), openblas_get_num_threads());
    printf("peak MB: %s\n", peak_resets ? "VmHWM of matrix + p-values, reset before each size"
                                        : "VmHWM of the whole process so far (no reset)");
    printf("%5s %5s %8s  %9s %9s %9s %8s  %12s %9s  %8s\n", "rows", "cols", "pairs", "matrix s",
           "p s", "total s", "peak MB", "reference s", "speed-up", "max diff");
    for (size_t k = 0; k < sizeof ladder / sizeof ladder[0]; k++) {
        size_t rows = ladder[k][0], cols = ladder[k][1], pairs = rows * (rows - 1) / 2;
        result r;
        run_size(rows, cols, peak_resets, &r);
        double total = r.matrix_s + r.p_s;
        printf("%5zu %5zu %8zu  %9.4f %9.4f %9.4f %8.1f  %12.3f%s %8.0fx  %8.1e\n", rows, cols,
               pairs, r.matrix_s, r.p_s, total, r.peak_mb, r.reference_s,
               r.reference_pairs < pairs ? "*" : " ", r.reference_s / total, r.max_diff);
    }
    printf("* reference timed on %d random pairs and scaled to all pairs\n", SAMPLED_PAIRS);
    return 0;
}
