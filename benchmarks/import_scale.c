/*
 * benchmarks/import_scale.c - importing timm tables against reading the same
 * records back, in one process.
 *
 * For each size of the ladder it writes a SYNTHETIC timm table (one
 * configuration, ROWS rows: models at one or two input sizes, a third of
 * them without infer_gmacs so that the cross-file completion runs, taken
 * from a second, complete table), then times
 *
 *   import   frmi_import_file on both tables + frmi_importer_finish
 *   write    frmi_importer_write of the result to a JSON Lines file
 *   read     frm_dataset_load of that file (the reference: what every
 *            other command pays to read the same records)
 *
 * and prints each one's best of REPEATS wall times and the ratio
 * import / read.
 *
 *   usage: bench_import_scale [REPEATS]     (default 3)
 */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frm/frm.h"
#include "import/import.h"
#include "seeded_random.h"

#define SEED 20261206u

static const size_t ladder[] = {1000, 10000, 100000, 400000};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Two tables of `rows` rows: `full` has every column, `partial` lacks infer_gmacs on a third. */
static int write_tables(size_t rows, const char *full, const char *partial)
{
    FILE *a = fopen(full, "w"), *b = fopen(partial, "w");
    if (!a || !b) {
        perror("bench_import_scale: cannot write the tables");
        if (a)
            fclose(a);
        if (b)
            fclose(b);
        return -1;
    }
    const char *header = "model,infer_img_size,infer_samples_per_sec,infer_step_time,"
                         "infer_batch_size,param_count,infer_gmacs,infer_macts\n";
    fputs(header, a);
    fputs(header, b);
    uint64_t s = SEED;
    for (size_t i = 0; i < rows; i++) {
        size_t model = i / 2;
        int size = i % 2 ? 288 : 224;
        double params = round(100.0 * exp(2.0 + gaussian(&s))) / 100.0;
        double gmacs = round(100.0 * exp(gaussian(&s))) / 100.0 + 0.01;
        double macts = round(100.0 * exp(1.5 + gaussian(&s))) / 100.0;
        double step = round(1000.0 * (1.0 + 50.0 * gmacs * uniform(&s))) / 1000.0;
        fprintf(a, "synthetic_net_%zu,%d,%.2f,%.3f,1024,%.2f,%.2f,%.2f\n", model, size,
                1024000.0 / step, step, params, gmacs, macts);
        if (i % 3 == 0)
            fprintf(b, "synthetic_net_%zu,%d,%.2f,%.3f,1024,%.2f,,%.2f\n", model, size,
                    900000.0 / step, step * 1.1, params, macts);
        else
            fprintf(b, "synthetic_net_%zu,%d,%.2f,%.3f,1024,%.2f,%.2f,%.2f\n", model, size,
                    900000.0 / step, step * 1.1, params, gmacs, macts);
    }
    int bad = ferror(a) || ferror(b);
    bad |= fclose(a) != 0;
    bad |= fclose(b) != 0;
    return bad ? -1 : 0;
}

/* One import, write and read; the three times in t[0..2] and the records in *n. */
static int measure(const char *full, const char *partial, const char *records, double t[3],
                   size_t *n)
{
    frmi_import_options o;
    memset(&o, 0, sizeof o);
    o.batch = o.macs = o.params = o.memory_mb = NAN;
    frmi_importer *im = NULL;
    frm_error err;
    double t0 = now();
    if (frmi_importer_new(&o, NULL, NULL, &im, &err) != FRM_OK ||
        frmi_import_file(im, FRMI_IMPORT_TIMM, full, &err) != FRM_OK ||
        frmi_import_file(im, FRMI_IMPORT_TIMM, partial, &err) != FRM_OK ||
        frmi_importer_finish(im, &err) != FRM_OK) {
        fprintf(stderr, "bench_import_scale: %s\n", err.message);
        frmi_importer_free(im);
        return -1;
    }
    double t1 = now();
    FILE *f = fopen(records, "w");
    int rc = f && frmi_importer_write(im, f, &err) == FRM_OK ? 0 : -1;
    if (f && fclose(f) != 0)
        rc = -1;
    double t2 = now();
    *n = frmi_importer_count(im);
    frmi_importer_free(im);
    frm_dataset *ds = NULL;
    if (rc == 0 && (frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err) != FRM_OK ||
                    frm_dataset_load(ds, records, NULL, NULL, &err) != FRM_OK))
        rc = -1;
    double t3 = now();
    if (rc == 0 && frm_dataset_size(ds) != *n) {
        fprintf(stderr, "bench_import_scale: read %zu records back, wrote %zu\n",
                frm_dataset_size(ds), *n);
        rc = -1;
    } else if (rc != 0) {
        fprintf(stderr, "bench_import_scale: %s\n", err.message);
    }
    frm_dataset_free(ds);
    t[0] = t1 - t0;
    t[1] = t2 - t1;
    t[2] = t3 - t2;
    return rc;
}

int main(int argc, char **argv)
{
    int repeats = argc > 1 ? atoi(argv[1]) : 3;
    if (repeats < 1 || repeats > 50) {
        fprintf(stderr, "usage: bench_import_scale [REPEATS (1-50)]\n");
        return 2;
    }
    char dir[] = "/tmp/frm-bench-import-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("bench_import_scale: mkdtemp");
        return 1;
    }
    char full[256], partial[256], records[256];
    snprintf(full, sizeof full, "%s/benchmark-infer-amp-nchw-pt240-cu124-synthetic.csv", dir);
    snprintf(partial, sizeof partial, "%s/benchmark-infer-fp32-nchw-pt240-cpu-synthetic.csv", dir);
    snprintf(records, sizeof records, "%s/records.jsonl", dir);
    printf("frm import timm on SYNTHETIC tables (two files, a third of one lacking infer_gmacs); "
           "best of %d\n\n", repeats);
    printf("%9s %9s %10s %10s %10s %8s %12s\n", "rows", "records", "import s", "write s",
           "read s", "ratio", "rows/s");
    int status = 0;
    for (size_t k = 0; k < sizeof ladder / sizeof ladder[0] && status == 0; k++) {
        if (write_tables(ladder[k], full, partial) != 0) {
            status = 1;
            break;
        }
        double best[3] = {INFINITY, INFINITY, INFINITY};
        size_t n = 0;
        for (int r = 0; r < repeats && status == 0; r++) {
            double t[3];
            if (measure(full, partial, records, t, &n) != 0)
                status = 1;
            for (int i = 0; i < 3 && status == 0; i++)
                best[i] = fmin(best[i], t[i]);
        }
        if (status == 0)
            printf("%9zu %9zu %10.3f %10.3f %10.3f %8.2f %12.0f\n", 2 * ladder[k], n, best[0],
                   best[1], best[2], best[0] / best[2], 2.0 * (double)ladder[k] / best[0]);
    }
    printf("\nratio = import / read: importing costs that many readings of the same records.\n");
    unlink(full);
    unlink(partial);
    unlink(records);
    rmdir(dir);
    return status;
}
