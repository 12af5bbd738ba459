/*
 * benchmarks/records.c - cost of reading records, against bare JSON parsing.
 *
 * Writes a synthetic dataset (labelled synthetic: configurations "syn-N",
 * models "model-N") to a temporary file, then times in one process:
 *
 *   reference  getline + json_loadb of every line (jansson alone)
 *   reader     frm_reader_next: the same parse plus schema checks
 *   dataset    frm_dataset_load: reader plus interning and duplicate checks
 *
 * and prints each time as a ratio to the reference, the dataset's memory
 * per record (growth of the resident set), and records per second.
 *
 *   usage: bench_records [N_RECORDS]      (default 1000000)
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frm/frm.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
            resident = 0;
        fclose(f);
    }
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void write_dataset(const char *path, long n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    const long models = 1000;
    for (long i = 0; i < n; i++) {
        long config = i / models, model = i % models;
        fprintf(f,
                "{\"schema\":\"frm.record/1\",\"status\":\"ok\",\"model\":\"model-%ld\","
                "\"device\":\"syn-device-%ld\",\"tier\":\"%s\",\"framework\":\"onnxruntime\","
                "\"config\":{\"batch\":1,\"threads\":4},\"config_id\":\"syn-%ld\","
                "\"latency_ms\":{\"median\":%.4f,\"mean\":%.4f,\"n\":100},"
                "\"memory_mb\":{\"peak\":%.2f,\"source\":\"measured\"},\"energy_mj\":null,"
                "\"macs\":%ld,\"params\":%ld,\"accuracy_top1\":0.75,\"source\":\"synthetic\"}\n",
                model, config, config % 3 == 0 ? "gpu" : config % 3 == 1 ? "cpu" : "edge", config,
                1.0 + (double)(i % 997), 1.1 + (double)(i % 997), 10.0 + (double)(i % 389),
                1000000L + model * 7919, 100000L + model * 31);
    }
    if (fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static double time_reference(const char *path, long *count)
{
    double t0 = now();
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    *count = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        json_t *obj = json_loadb(line, (size_t)len, JSON_DISABLE_EOF_CHECK, NULL);
        if (obj)
            ++*count;
        json_decref(obj);
    }
    free(line);
    fclose(f);
    return now() - t0;
}

static double time_reader(const char *path, long *count)
{
    double t0 = now();
    frm_reader *r;
    const frm_record *rec;
    *count = 0;
    if (frm_reader_open(&r, path, NULL) != FRM_OK)
        exit(1);
    while (frm_reader_next(r, &rec, NULL) == FRM_OK && rec)
        ++*count;
    frm_reader_close(r);
    return now() - t0;
}

static double time_dataset(const char *path, long *count, double *bytes_per_record)
{
    long before = rss_kb();
    double t0 = now();
    frm_dataset *ds;
    frm_error err;
    if (frm_dataset_new(&ds, FRM_DEDUPE_ERROR, &err) != FRM_OK ||
        frm_dataset_load(ds, path, NULL, NULL, &err) != FRM_OK) {
        fprintf(stderr, "bench_records: %s\n", err.message);
        exit(1);
    }
    double t = now() - t0;
    *count = (long)frm_dataset_size(ds);
    *bytes_per_record = (double)(rss_kb() - before) * 1024.0 / (double)*count;
    frm_dataset_free(ds);
    return t;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    if (n <= 0) {
        fprintf(stderr, "usage: bench_records [N_RECORDS]\n");
        return 2;
    }
    char path[] = "/tmp/frm-bench-records-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    close(fd);
    write_dataset(path, n);

    long c_ref, c_reader, c_dataset;
    double bytes_per_record;
    double t_ref = time_reference(path, &c_ref);
    double t_reader = time_reader(path, &c_reader);
    double t_dataset = time_dataset(path, &c_dataset, &bytes_per_record);
    remove(path);
    if (c_ref != n || c_reader != n || c_dataset != n) {
        fprintf(stderr, "bench_records: counts differ: %ld %ld %ld of %ld\n", c_ref, c_reader,
                c_dataset, n);
        return 1;
    }
    printf("records: %ld synthetic (1000 models x %ld configurations)\n", n, (n + 999) / 1000);
    printf("%-34s %8.3f s  %9.0f records/s  ratio 1.00\n", "reference (getline + json_loadb)",
           t_ref, (double)n / t_ref);
    printf("%-34s %8.3f s  %9.0f records/s  ratio %.2f\n", "frm_reader_next", t_reader,
           (double)n / t_reader, t_reader / t_ref);
    printf("%-34s %8.3f s  %9.0f records/s  ratio %.2f\n", "frm_dataset_load", t_dataset,
           (double)n / t_dataset, t_dataset / t_ref);
    printf("dataset memory: %.0f bytes per record (10 million records: %.2f GB)\n",
           bytes_per_record, bytes_per_record * 1e7 / 1e9);
    return 0;
}
