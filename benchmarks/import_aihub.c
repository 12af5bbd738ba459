/*
 * benchmarks/import_aihub.c - `frm import aihub` on the three AI Hub releases of
 * the shared data, against parsing the same YAML files with libyaml alone,
 * in one process.
 *
 *   import   frmi_import_file on each release folder + frmi_importer_finish
 *            (walk, parse, units, mirrors, names, the zoo's counts at the
 *            sizes measured)
 *   parse    every perf.yaml, info.yaml and devices file under the same
 *            folders read and loaded into a libyaml document, nothing else
 *            (the reference: what any reader of these files pays)
 *
 * Prints each one's best of REPEATS wall times and the ratio import / parse.
 * Skips (exit 0) when the data are absent.
 *
 *   usage: bench_import_aihub [AIHUB_DIR [REPEATS]]
 *          (default ../shared/data/aihub, 3)
 */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <yaml.h>

#include "frm/frm.h"
#include "import/import.h"

static const char *const releases[] = {"v0.46.1", "v0.28.0", "v0.18.0"};
enum { N_RELEASES = sizeof releases / sizeof releases[0] };

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t records, entries;

static int import_all(const char *dir)
{
    frmi_import_options o;
    memset(&o, 0, sizeof o);
    o.batch = o.macs = o.params = o.memory_mb = NAN;
    frmi_aliases *aliases = NULL;
    frmi_importer *im = NULL;
    frm_error err;
    if (frmi_aliases_new(&aliases, &err) != FRM_OK)
        goto fail;
    o.aliases = aliases;
    if (frmi_importer_new(&o, NULL, NULL, &im, &err) != FRM_OK)
        goto fail;
    for (size_t i = 0; i < N_RELEASES; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, releases[i]);
        if (frmi_import_file(im, FRMI_IMPORT_AIHUB, path, &err) != FRM_OK)
            goto fail;
    }
    if (frmi_importer_finish(im, &err) != FRM_OK)
        goto fail;
    records = frmi_importer_count(im);
    entries = frmi_importer_n_entries(im);
    frmi_importer_free(im);
    frmi_aliases_free(aliases);
    return 0;
fail:
    fprintf(stderr, "bench_import_aihub: %s\n", err.message);
    frmi_importer_free(im);
    frmi_aliases_free(aliases);
    return -1;
}

static size_t files_parsed;

static int parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    yaml_parser_t p;
    yaml_document_t d;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    int ok = yaml_parser_load(&p, &d);
    if (ok)
        yaml_document_delete(&d);
    yaml_parser_delete(&p);
    fclose(f);
    files_parsed++;
    return ok ? 0 : -1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The YAML files the importer reads, in the same order, each parsed. */
static int parse_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char *names[4096];
    size_t n = 0;
    for (struct dirent *de; n < 4096 && (de = readdir(d));)
        if (de->d_name[0] != '.')
            names[n++] = strdup(de->d_name);
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        struct stat st;
        if (rc == 0 && lstat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                rc = parse_tree(path);
            else if (strcmp(names[i], "perf.yaml") == 0 || strcmp(names[i], "info.yaml") == 0 ||
                     strcmp(names[i], "devices_and_chipsets.yaml") == 0)
                rc = parse_file(path);
        }
        free(names[i]);
    }
    return rc;
}

static int parse_all(const char *dir)
{
    files_parsed = 0;
    for (size_t i = 0; i < N_RELEASES; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, releases[i]);
        if (parse_tree(path) != 0)
            return -1;
    }
    return 0;
}

static double best_of(int (*fn)(const char *), const char *dir, int repeats)
{
    double best = INFINITY;
    for (int i = 0; i < repeats; i++) {
        double t0 = now();
        if (fn(dir) != 0)
            return NAN;
        double t = now() - t0;
        if (t < best)
            best = t;
    }
    return best;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "../shared/data/aihub";
    int repeats = argc > 2 ? atoi(argv[2]) : 3;
    if (repeats < 1)
        repeats = 1;
    for (size_t i = 0; i < N_RELEASES; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, releases[i]);
        if (stat(path, &st) != 0) {
            printf("bench_import_aihub: %s absent, skipped\n", path);
            return 0;
        }
    }
    double parse = best_of(parse_all, dir, repeats);
    double import = best_of(import_all, dir, repeats);
    if (isnan(parse) || isnan(import)) {
        fprintf(stderr, "bench_import_aihub: a release could not be read\n");
        return 1;
    }
    printf("frm import aihub, three releases (%zu entries, %zu records, %zu YAML files), "
           "best of %d\n", entries, records, files_parsed, repeats);
    printf("  %-8s %8.3f s   (libyaml load of every file, the reference)\n", "parse", parse);
    printf("  %-8s %8.3f s   %.2fx the parse\n", "import", import, import / parse);
    return 0;
}
