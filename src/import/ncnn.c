/*
 * import/ncnn.c - ncnn's benchmark table (benchmark/README.md).
 *
 * The file is Markdown that people have appended to for years: one
 * "### board" heading per board (or board and setting), then code blocks
 * with the shell session: `./benchncnn LOOPS THREADS POWERSAVE GPU_DEVICE
 * COOLING_DOWN` (any suffix of the arguments may be missing), sometimes
 * the settings echoed (`loop_count = 8`), Vulkan device dumps
 * (`[0 Adreno (TM) 640]  queueC=...`), and one line per model:
 * `squeezenet  min =   11.66  max =   11.80  avg =   11.74` in
 * milliseconds.  Everything else is prose or log and is passed over.
 * Lines are recognised by their shape, never by their position, so the
 * drift between contributions does not matter.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/import.h"
#include "util/csv.h"

/* benchncnn's defaults (its README's table); threads default to every core, unknown here. */
enum { DEFAULT_LOOPS = 4, DEFAULT_POWERSAVE = 0, DEFAULT_GPU = -1, DEFAULT_COOLING = 1 };

#define LINE_MAX_BYTES 1024
#define MAX_GPUS 8

typedef struct run {
    int loops, threads, powersave, gpu, cooling;   /* threads 0: not stated */
    int number;                /* 1 for the first run of these settings in the board */
    bool has_rows;
    char gpu_name[MAX_GPUS][128];   /* the Vulkan devices the run listed */
} run;

/* A run already met in the file, to number the repeats of its board and settings. */
typedef struct past_run {
    char *board;
    run settings;
} past_run;

typedef struct board {
    char name[LINE_MAX_BYTES];
    char version[64];          /* "ncnn version tag", when the section gives one */
    uint64_t line;
    past_run *runs;            /* every run of the file so far: several sections may share a
                                  heading (one board, two machines or systems) */
    size_t n_runs, cap_runs;
    bool nomem;
    char seen_models[256][256]; /* of the current run: a model again starts a new run */
    size_t n_seen;
} board;

static const char *skip_blanks(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Whether `word` occurs in the n bytes at `s` (which need not end in NUL). */
static bool has_text(const char *s, size_t n, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, word, k) == 0)
            return true;
    return false;
}

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Case-insensitive search, for the board names' vendor words. */
static bool contains(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return true;
    return false;
}

static void run_defaults(run *r)
{
    memset(r, 0, sizeof *r);
    r->loops = DEFAULT_LOOPS;
    r->powersave = DEFAULT_POWERSAVE;
    r->gpu = DEFAULT_GPU;
    r->cooling = DEFAULT_COOLING;
    r->number = 1;
}

/* Reads a whole integer at *s (optionally negative); false when there is none. */
static bool read_int(const char **s, int *out)
{
    const char *p = *s;
    bool neg = *p == '-';
    if (neg)
        p++;
    if (!isdigit((unsigned char)*p))
        return false;
    long v = 0;
    while (isdigit((unsigned char)*p) && v < 1000000)
        v = v * 10 + (*p++ - '0');
    if (*p && *p != ' ' && *p != '\t')
        return false;
    *out = (int)(neg ? -v : v);
    *s = p;
    return true;
}

/*
 * A command line: "benchncnn" (or "benchncnn.exe") as a word, then up to
 * five integers.  An argument that is no integer ($(nproc)) leaves its
 * setting unstated; what follows it is still read.
 */
static bool command_line(const char *line, run *r)
{
    const char *at = strstr(line, "benchncnn");
    if (!at || (at > line && (isalnum((unsigned char)at[-1]) || at[-1] == '_')))
        return false;
    const char *p = at + strlen("benchncnn");
    if (starts_with(p, ".exe"))
        p += 4;
    if (*p && *p != ' ' && *p != '\t')
        return false;
    /* a shell prompt or "./" before it; prose ("benchncnn can be used") has words after */
    run_defaults(r);
    int *slots[] = {&r->loops, &r->threads, &r->powersave, &r->gpu, &r->cooling};
    for (size_t i = 0; i < 5; i++) {
        p = skip_blanks(p);
        if (!*p || *p == '[' || strchr(p, '=') == p)
            break;
        int v;
        if (!read_int(&p, &v)) {
            if (i == 0)
                return false;      /* "benchncnn can be used ..." */
            while (*p && *p != ' ' && *p != '\t')
                p++;               /* $(nproc): not stated */
            if (i == 1)
                r->threads = 0;
            continue;
        }
        *slots[i] = v;
    }
    return true;
}

/* "loop_count = 8" and its kin; true when the line is one. */
static bool echoed_setting(const char *line, run *r)
{
    static const char *const keys[] = {"loop_count", "num_threads", "powersave", "gpu_device",
                                       "cooling_down"};
    int *slots[] = {&r->loops, &r->threads, &r->powersave, &r->gpu, &r->cooling};
    const char *p = skip_blanks(line);
    for (size_t i = 0; i < 5; i++) {
        size_t n = strlen(keys[i]);
        if (strncmp(p, keys[i], n) != 0)
            continue;
        const char *q = skip_blanks(p + n);
        if (*q != '=')
            return false;
        q = skip_blanks(q + 1);
        int v;
        if (!read_int(&q, &v) || *skip_blanks(q))
            return false;
        *slots[i] = v;
        return true;
    }
    return false;
}

/* "[0 NVIDIA GeForce RTX 3060 Ti]  queueC=..." : the names of the run's Vulkan devices. */
static void vulkan_device(const char *line, run *r)
{
    const char *p = skip_blanks(line);
    if (*p != '[' || !isdigit((unsigned char)p[1]))
        return;
    char *end;
    long index = strtol(p + 1, &end, 10);
    const char *close = strchr(end, ']');
    if (index < 0 || index >= MAX_GPUS || *end != ' ' || !close || r->gpu_name[index][0])
        return;
    snprintf(r->gpu_name[index], sizeof r->gpu_name[index], "%.*s", (int)(close - end - 1),
             end + 1);
}

/*
 * The tier of a run, from the board's name and the GPU it used (the rule
 * of docs/import.md): discrete or datacenter GPUs are `gpu`, x86 desktop
 * and server processors running on the CPU are `cpu`, the rest `edge`.
 */
static frm_tier tier_of(const board *b, const run *r)
{
    if (r->gpu >= 0) {
        const char *g = r->gpu < MAX_GPUS && r->gpu_name[r->gpu][0] ? r->gpu_name[r->gpu] : b->name;
        static const char *const discrete[] = {"GeForce", "RTX", "GTX", "Quadro", "Tesla",
                                               "TITAN", "A100", "H100", "Radeon RX", "Radeon Pro",
                                               "Radeon VII", "Intel(R) Arc", "Intel Arc"};
        /* Jetson's Tegra GPUs and laptop-class iGPUs are embedded, whatever their names say */
        if (contains(g, "Tegra") || contains(b->name, "Jetson"))
            return FRM_TIER_EDGE;
        for (size_t i = 0; i < sizeof discrete / sizeof discrete[0]; i++)
            if (contains(g, discrete[i]))
                return FRM_TIER_GPU;
        return FRM_TIER_EDGE;
    }
    static const char *const x86[] = {"Intel Core", "Intel(R) Core", "Xeon", "Core i3",
                                      "Core i5", "Core i7", "Core i9", "Ryzen", "EPYC",
                                      "Threadripper", "Pentium", "Celeron", "Athlon",
                                      "Core Ultra"};
    for (size_t i = 0; i < sizeof x86 / sizeof x86[0]; i++)
        if (contains(b->name, x86[i]))
            return FRM_TIER_CPU;
    return FRM_TIER_EDGE;
}

static bool same_settings(const run *a, const run *b)
{
    return a->loops == b->loops && a->threads == b->threads && a->powersave == b->powersave &&
           a->gpu == b->gpu && a->cooling == b->cooling;
}

/* Numbers run r among the file's runs of the same board and settings, and notes it. */
static void number_run(board *b, run *r, bool note)
{
    r->number = 1;
    for (size_t i = 0; i < b->n_runs; i++)
        if (strcmp(b->runs[i].board, b->name) == 0 && same_settings(&b->runs[i].settings, r) &&
            b->runs[i].settings.number >= r->number)
            r->number = b->runs[i].settings.number + 1;
    if (!note)
        return;
    if (b->n_runs == b->cap_runs) {
        size_t cap = b->cap_runs ? 2 * b->cap_runs : 64;
        past_run *grown = realloc(b->runs, cap * sizeof *grown);
        if (!grown) {
            b->nomem = true;
            return;
        }
        b->runs = grown;
        b->cap_runs = cap;
    }
    char *name = strdup(b->name);
    if (!name) {
        b->nomem = true;
        return;
    }
    b->runs[b->n_runs++] = (past_run){name, *r};
}

static void begin_run(board *b, run *r)
{
    number_run(b, r, true);
    b->n_seen = 0;
}

/* The settings of the run begun last changed (they were echoed after its command line). */
static void restate_run(board *b, run *r)
{
    past_run last = b->runs[--b->n_runs];
    number_run(b, r, false);
    last.settings = *r;
    b->runs[b->n_runs++] = last;
}

/* The 1-based column of `at` in `line`, for messages. */
static unsigned column_of(const char *line, const char *at)
{
    return (unsigned)(at - line) + 1;
}

/* "NAME min = X max = Y avg = Z": true when the line has that shape, numbers or not. */
typedef struct table_row {
    char model[256];
    const char *value[3];      /* where min, max and avg are written */
    double v[3];
    int bad;                   /* the first value that is not a number (0-based), -1 none */
    bool incomplete;           /* "min =" without the rest */
} table_row;

static bool parse_row(const char *line, table_row *out)
{
    static const char *const labels[] = {"min", "max", "avg"};
    const char *p = skip_blanks(line);
    const char *name = p;
    while (*p && *p != ' ' && *p != '\t')
        p++;
    size_t name_len = (size_t)(p - name);
    p = skip_blanks(p);
    if (!name_len || !starts_with(p, "min") || *skip_blanks(p + 3) != '=')
        return false;
    snprintf(out->model, sizeof out->model, "%.*s", (int)name_len, name);
    out->bad = -1;
    out->incomplete = false;
    for (int i = 0; i < 3; i++) {
        p = skip_blanks(p);
        size_t n = strlen(labels[i]);
        if (strncmp(p, labels[i], n) != 0 || *skip_blanks(p + n) != '=') {
            out->incomplete = true;
            out->value[i] = p;
            out->bad = i;
            return true;
        }
        p = skip_blanks(skip_blanks(p + n) + 1);
        out->value[i] = p;
        const char *end = p;
        while (*end && *end != ' ' && *end != '\t')
            end++;
        char num[64];
        snprintf(num, sizeof num, "%.*s", (int)(end - p), p);
        if (out->bad < 0 && (end == p || !frmi_parse_number(num, &out->v[i])))
            out->bad = i;
        p = end;
    }
    if (*skip_blanks(p))
        out->incomplete = true;    /* something after avg */
    return true;
}

static frm_code add_row(frmi_importer *im, const board *b, const run *r, const table_row *w,
                        const char *path, uint64_t line, frm_error *err)
{
    const frmi_import_options *o = frmi_importer_options(im);
    size_t len = strlen(w->model);
    bool int8 = len > 5 && strcmp(w->model + len - 5, "_int8") == 0;
    char base[256], name[256], tag[128];
    snprintf(base, sizeof base, "%.*s", (int)(int8 ? len - 5 : len), w->model);
    frmi_model_name(o->aliases, base, name, sizeof name, tag, sizeof tag);
    const char *precision = o->precision ? o->precision : int8 ? "int8" : "float";

    frmi_import_row row;
    frmi_import_row_init(&row);
    frm_record *rec = &row.rec;
    rec->model = name;
    row.source_model = strcmp(base, name) != 0 ? base : NULL;
    row.counts_need_resolution = true;  /* benchncnn's input sizes are its own */
    rec->device = b->name;
    rec->tier = tier_of(b, r);
    rec->framework = "ncnn";
    rec->framework_version = b->version[0] ? b->version : NULL;
    rec->latency_ms.min = w->v[0];
    rec->latency_ms.max = w->v[1];
    rec->latency_ms.mean = w->v[2];
    /* FRM reads the median; the table has none, so the mean stands in, and config says so */
    rec->latency_ms.median = w->v[2];
    rec->latency_ms.n = r->loops > 0 ? r->loops : NAN;
    if (o->threads > 0)
        frmi_import_config_number(&row, "threads", o->threads);
    else if (r->threads > 0)
        frmi_import_config_number(&row, "threads", r->threads);
    frmi_import_config_number(&row, "loop_count", r->loops);
    frmi_import_config_number(&row, "powersave", r->powersave);
    frmi_import_config_number(&row, "gpu_device", r->gpu);
    frmi_import_config_number(&row, "cooling_down", r->cooling);
    if (r->gpu >= 0 && r->gpu < MAX_GPUS && r->gpu_name[r->gpu][0])
        frmi_import_config_string(&row, "gpu", r->gpu_name[r->gpu]);
    frmi_import_config_string(&row, "precision", precision);
    frmi_import_config_string(&row, "latency_statistic", "mean");
    if (r->number > 1)
        frmi_import_config_number(&row, "run", r->number);

    char threads[32], powersave[32], device[32], loops[32], cooling[32], number[32];
    snprintf(threads, sizeof threads, r->threads > 0 ? "threads-%d" : "threads-default",
             r->threads);
    snprintf(powersave, sizeof powersave, "powersave-%d", r->powersave);
    snprintf(device, sizeof device, r->gpu >= 0 ? "gpu-%d" : "cpu", r->gpu);
    snprintf(loops, sizeof loops, "loops-%d", r->loops);
    snprintf(cooling, sizeof cooling, "cooling-%d", r->cooling);
    snprintf(number, sizeof number, "run-%d", r->number);
    /* config_id: the board, "ncnn", then every setting that changes speed */
    row.config_id_parts[row.n_parts++] = threads;
    row.config_id_parts[row.n_parts++] = powersave;
    row.config_id_parts[row.n_parts++] = device;
    row.config_id_parts[row.n_parts++] = loops;
    row.config_id_parts[row.n_parts++] = cooling;
    row.config_id_parts[row.n_parts++] = precision;
    row.config_id_parts[row.n_parts++] = r->number > 1 ? number : NULL;
    frm_code rc = frmi_import_add(im, &row, path, line, err);
    frmi_import_row_release(&row);
    return rc;
}

frm_code frmi_import_ncnn(frmi_importer *im, const char *path, const char *text, size_t len,
                          frm_error *err)
{
    board *b = calloc(1, sizeof *b);
    if (!b)
        return frmi_nomem(err);
    bool in_board = false, have_run = false, in_fence = false;
    run r;
    run_defaults(&r);
    frm_code rc = FRM_OK;
    uint64_t line_no = 0;
    size_t n_rows = 0;
    for (size_t pos = 0; rc == FRM_OK && pos < len;) {
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - start) : len - pos;
        pos += n + (nl != NULL);
        line_no++;
        if (n && start[n - 1] == '\r')
            n--;
        char line[LINE_MAX_BYTES];
        if (n >= sizeof line) {
            /* a long line is prose or a device dump, unless it is shaped as a row */
            if (has_text(start, n, "min =") && has_text(start, n, "avg =")) {
                frmi_import_entry(im);
                rc = frmi_import_bad(im, err, FRM_E_SYNTAX, path, line_no, 0,
                                     "a benchmark row longer than %zu bytes", sizeof line - 1);
            }
            continue;
        }
        memcpy(line, start, n);
        line[n] = '\0';
        /* an embedded NUL ends the line: the string functions below stop there */

        if (starts_with(skip_blanks(line), "```")) {
            in_fence = !in_fence;
            continue;
        }
        /* inside a code block "# ..." is a root shell's prompt, not a heading */
        if (!in_fence && starts_with(line, "### ")) {
            const char *name = skip_blanks(line + 4);
            size_t k = strlen(name);
            while (k && (name[k - 1] == ' ' || name[k - 1] == '\t'))
                k--;
            snprintf(b->name, sizeof b->name, "%.*s", (int)k, name);
            b->version[0] = '\0';
            b->n_seen = 0;
            b->line = line_no;
            in_board = b->name[0] != '\0';
            have_run = false;
            run_defaults(&r);
            continue;
        }
        if (!in_fence && (starts_with(line, "## ") || starts_with(line, "# "))) {
            in_board = false;      /* a new part of the document, no board */
            continue;
        }
        const char *tag = strstr(line, "ncnn version tag:");
        if (!tag)
            tag = strstr(line, "ncnn tag:");
        if (tag && in_board) {
            const char *v = skip_blanks(strchr(tag, ':') + 1);
            snprintf(b->version, sizeof b->version, "%.*s", (int)strcspn(v, " \t"), v);
            continue;
        }
        run next;
        if (in_board && command_line(line, &next)) {
            r = next;
            begin_run(b, &r);
            have_run = true;
            continue;
        }
        if (in_board && echoed_setting(line, &r)) {
            if (r.has_rows) {
                /* settings echoed after rows with no command line between: a new run */
                run fresh = r;
                fresh.has_rows = false;
                memset(fresh.gpu_name, 0, sizeof fresh.gpu_name);
                r = fresh;
                begin_run(b, &r);
            } else if (have_run && b->n_runs) {
                restate_run(b, &r);
            } else {
                begin_run(b, &r);
                have_run = true;
            }
            continue;
        }
        if (in_board)
            vulkan_device(line, &r);
        table_row w;
        if (!parse_row(line, &w))
            continue;
        frmi_import_entry(im);
        n_rows++;
        if (!in_board) {
            rc = frmi_import_bad(im, err, FRM_E_SYNTAX, path, line_no, 1,
                                 "a benchmark row outside any '### board' section");
            continue;
        }
        if (w.bad >= 0 || w.incomplete) {
            static const char *const labels[] = {"min", "max", "avg"};
            int i = w.bad >= 0 ? w.bad : 2;
            const char *v = w.value[i];
            if (w.bad < 0)
                rc = frmi_import_bad(im, err, FRM_E_SYNTAX, path, line_no, column_of(line, v),
                                     "model '%s': text after the avg value", w.model);
            else if (!*v || (w.incomplete && strncmp(v, labels[i], 3) != 0 && !isdigit((unsigned char)*v)))
                rc = frmi_import_bad(im, err, FRM_E_SYNTAX, path, line_no, column_of(line, v),
                                     "model '%s': no '%s = ' value", w.model, labels[i]);
            else
                rc = frmi_import_bad(im, err, FRM_E_SYNTAX, path, line_no, column_of(line, v),
                                     "model '%s': '%.*s' is not a number of milliseconds",
                                     w.model, (int)strcspn(v, " \t"), v);
            continue;
        }
        if (!(w.v[0] >= 0 && w.v[0] <= w.v[2] && w.v[2] <= w.v[1] && w.v[2] > 0)) {
            rc = frmi_import_bad(im, err, FRM_E_VALUE, path, line_no, column_of(line, w.value[0]),
                                 "model '%s': min %g, max %g, avg %g are not a latency "
                                 "(min <= avg <= max, avg > 0)", w.model, w.v[0], w.v[1], w.v[2]);
            continue;
        }
        if (!have_run) {
            run_defaults(&r);
            begin_run(b, &r);
            have_run = true;
        }
        /* a model twice in one run: the rows of another run, whose command line is not shown */
        bool again = false;
        for (size_t i = 0; i < b->n_seen; i++)
            again = again || strcmp(b->seen_models[i], w.model) == 0;
        if (again) {
            run fresh = r;
            memset(fresh.gpu_name, 0, sizeof fresh.gpu_name);
            r = fresh;
            begin_run(b, &r);
        }
        if (b->n_seen < sizeof b->seen_models / sizeof b->seen_models[0])
            snprintf(b->seen_models[b->n_seen++], sizeof b->seen_models[0], "%s", w.model);
        r.has_rows = true;
        rc = add_row(im, b, &r, &w, path, line_no, err);
    }
    if (rc == FRM_OK && b->nomem)
        rc = frmi_nomem(err);
    for (size_t i = 0; i < b->n_runs; i++)
        free(b->runs[i].board);
    free(b->runs);
    free(b);
    if (rc == FRM_OK && n_rows == 0)
        rc = frmi_fail(err, FRM_E_SYNTAX, "%s: no benchmark rows ('MODEL  min = ...  max = ...  "
                       "avg = ...'): not ncnn's benchmark table", path);
    return rc;
}
