/*
 * import/tflite.c - a log of TensorFlow Lite's benchmark_model tool.
 *
 * The tool writes free text whose wording has changed over the years, so
 * lines are recognised by what they start with, older and newer wordings
 * alike (docs/import.md lists them).  One log is one run of one graph and
 * makes one record.  The tool times a warm-up pass and then the timed
 * pass, and after each prints a statistics line in microseconds
 * ("count=50 first=... curr=... min=... max=... avg=... std=..."): the
 * record is the timed pass, the warm-up gives only its count and, when
 * nothing else does, the first inference.  Lines may carry the tool's
 * severity tags ("INFO: "), Android logcat's prefixes (the benchmark app
 * logs nowhere else) or glog's, and end in LF or CRLF.  Nothing past `len`
 * is read.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"

/* A piece of the log: not NUL-terminated, as the log is only ever read in place. */
typedef struct span {
    const char *s;
    size_t n;
} span;

static span span_of(const char *s, size_t n)
{
    span t = {s, n};
    return t;
}

static span skip(span t, size_t k)
{
    return span_of(t.s + k, t.n - k);
}

/* What follows `p`, a place inside `t`. */
static span from(span t, const char *p)
{
    return span_of(p, t.n - (size_t)(p - t.s));
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static span trim(span t)
{
    while (t.n && is_blank(*t.s))
        t = skip(t, 1);
    while (t.n && is_blank(t.s[t.n - 1]))
        t.n--;
    return t;
}

/* The wordings changed case over the years ("Use nnapi", "Use NNAPI"): compare without it. */
static bool starts_with(span t, const char *prefix)
{
    size_t n = strlen(prefix);
    if (t.n < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)t.s[i]) != tolower((unsigned char)prefix[i]))
            return false;
    return true;
}

static bool equals(span t, const char *word)
{
    return t.n == strlen(word) && starts_with(t, word);
}

/* Where `needle` first occurs in `t`, or NULL. */
static const char *find(span t, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= t.n; i++)
        if (starts_with(skip(t, i), needle))
            return t.s + i;
    return NULL;
}

/* Bytes up to the next blank: a value as the tool wrote it, for messages. */
static int token_len(span t)
{
    size_t n = 0;
    while (n < t.n && n < 40 && !is_blank(t.s[n]))
        n++;
    return (int)n;
}

static bool is_number_char(char c)
{
    return isdigit((unsigned char)c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/*
 * The decimal number at the start of `t` ("12345", "57339.3", "1.2e+04"):
 * its value and the bytes it took, 0 when there is none.  strtod needs a
 * NUL, so the candidate characters are copied out first; that also keeps
 * "nan", "inf" and hexadecimal out.
 */
static size_t scan_number(span t, double *out)
{
    char buf[64];
    size_t n = 0;
    while (n < t.n && n < sizeof buf - 1 && is_number_char(t.s[n]))
        n++;
    if (n == 0 || n == sizeof buf - 1)
        return 0;
    memcpy(buf, t.s, n);
    buf[n] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return (size_t)(end - buf);
}

/* `t` is one number and nothing else. */
static bool only_number(span t, double *out)
{
    return t.n > 0 && scan_number(t, out) == t.n;
}

/* The 1-based place of `p` in `line`, in characters: UTF-8 continuation bytes do not count. */
static unsigned column_of(span line, const char *p)
{
    unsigned col = 1;
    for (const char *q = line.s; q < p; q++)
        if (((unsigned char)*q & 0xC0) != 0x80)
            col++;
    return col;
}

/* What is wrong with the log and where; reported once, by the entry point. */
typedef struct problem {
    frm_code code;
    uint64_t line;
    unsigned column;
    char what[300];
} problem;

static bool fail(problem *pb, frm_code code, uint64_t line, unsigned column, const char *fmt, ...)
    FRMI_PRINTF(5, 6);

static bool fail(problem *pb, frm_code code, uint64_t line, unsigned column, const char *fmt, ...)
{
    pb->code = code;
    pb->line = line;
    pb->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pb->what, sizeof pb->what, fmt, ap);
    va_end(ap);
    return false;
}

/* One statistics line, in microseconds; NaN for a field the line does not have. */
typedef struct run_stats {
    uint64_t line;             /* 0: none seen */
    unsigned count_column;
    unsigned pass;             /* how many "Running benchmark for" headers came before it */
    bool all_same;             /* "curr=X(all same)": every run took X */
    double count, first, curr, min, max, avg, std, median, p95;
} run_stats;

/* Delegates in the order that names a run that asked for several. */
enum { D_GPU, D_NNAPI, D_HEXAGON, D_COREML, D_EXTERNAL, D_XNNPACK, N_DELEGATES };

static const char *const delegate_names[N_DELEGATES] = {
    "gpu", "nnapi", "hexagon", "coreml", "external", "xnnpack",
};

/* The echoed flags that switch a delegate on: "Use gpu: [1]", "Use nnapi : [0]". */
static const struct {
    const char *label;
    int delegate;
} delegate_flags[] = {
    {"Use gpu", D_GPU},
    {"Use NNAPI", D_NNAPI},
    {"Use legacy nnapi", D_NNAPI},
    {"Use Hexagon", D_HEXAGON},
    {"Use CoreML", D_COREML},
    {"Use xnnpack", D_XNNPACK},
};

typedef struct tflite_log {
    run_stats last, previous;  /* the last two statistics lines */
    unsigned passes;           /* "Running benchmark for ..." headers */
    double init_us, first_us;  /* "Inference timings in us: Init: ..., First inference: ..." */
    double session_ms;         /* "Initialized session in 35.2ms." */
    double mem_init, mem_overall, mem_peak;
    span graph;
    uint64_t graph_line;
    double threads;            /* NaN: the tool's default */
    bool use[N_DELEGATES];
    bool any;                  /* a line with something on it */
    bool recognised;           /* a line only benchmark_model writes */
    uint64_t lines;
    uint64_t failure_line;     /* the first "ERROR: ..." line; 0: none */
    span failure;
    uint64_t failed_line;      /* the last "Benchmarking failed"; 0: none */
} tflite_log;

static void stats_init(run_stats *s)
{
    memset(s, 0, sizeof *s);
    s->count = s->first = s->curr = s->min = s->max = NAN;
    s->avg = s->std = s->median = s->p95 = NAN;
}

static void log_init(tflite_log *lg)
{
    memset(lg, 0, sizeof *lg);
    stats_init(&lg->last);
    stats_init(&lg->previous);
    lg->init_us = lg->first_us = lg->session_ms = NAN;
    lg->mem_init = lg->mem_overall = lg->mem_peak = NAN;
    lg->threads = NAN;
}

/*
 * logcat's threadtime and brief formats: "07-14 13:14:52.097 22838 22838
 * I tflite  : " and "I/tflite  ( 5395): ", the app's tag being "tflite".
 */
static span strip_logcat(span m)
{
    bool looks_like = m.n >= 2 && (isdigit((unsigned char)m.s[0]) ||
                                   (isalpha((unsigned char)m.s[0]) && m.s[1] == '/'));
    if (!looks_like)
        return m;
    for (size_t i = 1; i + 6 <= m.n && i < 64; i++) {
        if (memcmp(m.s + i, "tflite", 6) != 0 || (m.s[i - 1] != ' ' && m.s[i - 1] != '/'))
            continue;
        size_t j = i + 6;
        while (j < m.n && m.s[j] == ' ')
            j++;
        if (j < m.n && m.s[j] == '(') {
            while (j < m.n && m.s[j] != ')')
                j++;
            j++;
        }
        if (j < m.n && m.s[j] == ':')
            return trim(skip(m, j + 1));
    }
    return m;
}

/*
 * Builds that log through glog or absl: "I0423 10:15:30.123456  4242
 * benchmark_tflite_model.cc:123] ".  `*error` for an E or F line.
 */
static span strip_glog(span m, bool *error)
{
    char c = m.n > 5 ? m.s[0] : '\0';
    bool looks_like = c == 'I' || c == 'W' || c == 'E' || c == 'F';
    for (size_t i = 1; looks_like && i < 5; i++)
        looks_like = isdigit((unsigned char)m.s[i]);
    if (!looks_like)
        return m;
    for (size_t i = 5; i + 1 < m.n && i < 128; i++)
        if (m.s[i] == ']' && m.s[i + 1] == ' ') {
            *error = c == 'E' || c == 'F';
            return trim(skip(m, i + 2));
        }
    return m;
}

/* What the tool said on `line`, without prefixes; `*error` when it said so as an error. */
static span message_of(span line, bool *error)
{
    static const char *const tags[] = {"INFO:", "WARN:",  "WARNING:",
                                       "VERBOSE:", "DEBUG:", "ERROR:"};
    *error = false;
    span m = strip_glog(strip_logcat(trim(line)), error);
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (starts_with(m, tags[i])) {
            *error = *error || strcmp(tags[i], "ERROR:") == 0;
            return trim(skip(m, strlen(tags[i])));
        }
    return m;
}

/*
 * "count=50 first=12345 curr=11800 min=11500 max=13000 avg=11900 std=300",
 * since 2023 followed by "p5=... median=... p95=..."; p5 is passed over.
 */
static bool read_stats(tflite_log *lg, span line, span m, uint64_t no, problem *pb)
{
    static const char *const keys[] = {"count", "first", "curr",   "min", "max",
                                       "avg",   "std",   "median", "p95"};
    run_stats s;
    stats_init(&s);
    s.line = no;
    s.pass = lg->passes;
    double *fields[] = {&s.count, &s.first, &s.curr,   &s.min, &s.max,
                        &s.avg,   &s.std,   &s.median, &s.p95};
    span t = m;
    for (;;) {
        t = trim(t);
        if (!t.n)
            break;
        if (starts_with(t, "(all same)")) {
            s.all_same = true;
            t = skip(t, strlen("(all same)"));
            continue;
        }
        size_t k = 0;
        while (k < t.n && t.s[k] != '=' && !is_blank(t.s[k]))
            k++;
        bool has_value = k < t.n && t.s[k] == '=';
        span key = span_of(t.s, k);
        t = skip(t, has_value ? k + 1 : k);
        double *field = NULL;
        if (has_value)
            for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
                if (equals(key, keys[i]))
                    field = fields[i];
        size_t used = 0;
        if (field) {
            double v = 0;
            used = scan_number(t, &v);
            bool ends = used == t.n || is_blank(t.s[used]) || t.s[used] == '(';
            bool is_count = equals(key, "count");
            if (!used || !ends || v < 0 || (is_count && v != floor(v)))
                return fail(pb, FRM_E_SYNTAX, no, column_of(line, t.s),
                            "'%.*s=' wants %s, found '%.*s'", (int)key.n, key.s,
                            is_count ? "a whole number" : "a number of microseconds",
                            token_len(t), t.s);
            *field = v;
            if (is_count)
                s.count_column = column_of(line, t.s);
        }
        while (used < t.n && !is_blank(t.s[used]) && t.s[used] != '(')
            used++;
        t = skip(t, used);
    }
    lg->previous = lg->last;
    lg->last = s;
    return true;
}

/*
 * "Inference timings in us: Init: 3500, First inference: 12000, Warmup
 * (avg): 11900, Inference (avg): 11850", or before 2020 "Average
 * inference timings in us: Warmup: 58423.4, Init: 5071, no stats: 57339.3".
 */
static bool read_timings(tflite_log *lg, span line, span items, uint64_t no, problem *pb)
{
    while (items.n) {
        const char *comma = memchr(items.s, ',', items.n);
        span item = span_of(items.s, comma ? (size_t)(comma - items.s) : items.n);
        items = comma ? from(items, comma + 1) : skip(items, items.n);
        const char *colon = memchr(item.s, ':', item.n);
        if (!colon)
            continue;
        span key = trim(span_of(item.s, (size_t)(colon - item.s)));
        double *field = equals(key, "Init")              ? &lg->init_us
                        : equals(key, "First inference") ? &lg->first_us
                                                         : NULL;
        if (!field)
            continue;
        span value = trim(from(item, colon + 1));
        double v;
        if (!only_number(value, &v) || v < 0)
            return fail(pb, FRM_E_SYNTAX, no, column_of(line, value.s),
                        "'%.*s:' wants a number of microseconds, found '%.*s'", (int)key.n,
                        key.s, token_len(value), value.s);
        *field = v;
    }
    return true;
}

/* The number after `key` in `m` into `*out` (megabytes); nothing when `key` is absent. */
static bool read_megabytes(span line, span m, const char *key, double *out, uint64_t no,
                           problem *pb)
{
    const char *p = find(m, key);
    if (!p)
        return true;
    span t = trim(from(m, p + strlen(key)));
    double v = 0;
    size_t used = scan_number(t, &v);
    if (!used || (used < t.n && !is_blank(t.s[used]) && t.s[used] != ',') || v < 0)
        return fail(pb, FRM_E_SYNTAX, no, column_of(line, t.s),
                    "'%s' wants a number of megabytes, found '%.*s'", key, token_len(t), t.s);
    *out = v;
    return true;
}

/*
 * "Memory footprint delta from the start of the tool (MB): init=5.2
 * overall=30.1" (before 2021 "Peak memory footprint (MB): init=...
 * overall=..."), "Overall peak memory footprint (MB) via periodic
 * monitoring: 35.6", and before 2020 "[Init Phase] - Memory usage: max
 * resident set size = 2.2 MB, ..." and "[Overall] - Memory usage: ...".
 * false with `*pb` set for a bad number; `*seen` when the line is one of these.
 */
static bool read_memory(tflite_log *lg, span line, span m, uint64_t no, problem *pb, bool *seen)
{
    *seen = true;
    if (starts_with(m, "[Init Phase]"))
        return read_megabytes(line, m, "max resident set size =", &lg->mem_init, no, pb);
    if (starts_with(m, "[Overall]"))
        return read_megabytes(line, m, "max resident set size =", &lg->mem_overall, no, pb);
    if (find(m, "memory footprint") && find(m, "(MB)")) {
        if (find(m, "init="))
            return read_megabytes(line, m, "init=", &lg->mem_init, no, pb) &&
                   read_megabytes(line, m, "overall=", &lg->mem_overall, no, pb);
        if (find(m, "peak")) {
            const char *colon = NULL;
            for (const char *p = m.s; p < m.s + m.n; p++)
                if (*p == ':')
                    colon = p;
            span t = colon ? trim(from(m, colon + 1)) : skip(m, m.n);
            if (!only_number(t, &lg->mem_peak) || lg->mem_peak < 0)
                return fail(pb, FRM_E_SYNTAX, no, column_of(line, t.s),
                            "the peak memory footprint wants a number of megabytes, "
                            "found '%.*s'", token_len(t), t.s);
            return true;
        }
    }
    *seen = false;
    return true;
}

/* "1"/"0", or "true"/"false" as some builds print a bool. */
static bool read_flag(span line, span value, bool *out, uint64_t no, problem *pb)
{
    if (equals(value, "1") || equals(value, "true"))
        *out = true;
    else if (equals(value, "0") || equals(value, "false"))
        *out = false;
    else
        return fail(pb, FRM_E_SYNTAX, no, column_of(line, value.s),
                    "expected 0 or 1, found '%.*s'", token_len(value), value.s);
    return true;
}

/*
 * An echoed parameter, "LABEL: [VALUE]" (older builds put a blank before
 * the colon): the graph, the threads and the delegates.  `*seen` when the
 * label is one of them.
 */
static bool read_param(tflite_log *lg, span line, span m, uint64_t no, problem *pb, bool *seen)
{
    *seen = false;
    const char *colon = memchr(m.s, ':', m.n);
    if (!colon)
        return true;
    span rest = trim(from(m, colon + 1));
    if (rest.n < 2 || rest.s[0] != '[' || rest.s[rest.n - 1] != ']')
        return true;
    span label = trim(span_of(m.s, (size_t)(colon - m.s)));
    span value = span_of(rest.s + 1, rest.n - 2);
    *seen = true;
    if (equals(label, "Graph")) {
        lg->graph = trim(value);
        lg->graph_line = no;
        return true;
    }
    if (equals(label, "Num threads") || equals(label, "#threads used for CPU inference")) {
        double v;
        if (!only_number(value, &v) || v != floor(v) || v < -1 || v > 65536)
            return fail(pb, FRM_E_SYNTAX, no, column_of(line, value.s),
                        "'%.*s' wants a whole number of threads, found '%.*s'", (int)label.n,
                        label.s, token_len(value), value.s);
        /* -1 and 0 leave the choice to TensorFlow Lite: the count is not known */
        if (v > 0)
            lg->threads = v;
        return true;
    }
    if (equals(label, "External delegate path")) {
        lg->use[D_EXTERNAL] = lg->use[D_EXTERNAL] || trim(value).n > 0;
        return true;
    }
    for (size_t i = 0; i < sizeof delegate_flags / sizeof delegate_flags[0]; i++)
        if (equals(label, delegate_flags[i].label)) {
            bool on = false;
            if (!read_flag(line, value, &on, no, pb))
                return false;
            lg->use[delegate_flags[i].delegate] = lg->use[delegate_flags[i].delegate] || on;
            return true;
        }
    *seen = equals(label, "Log parameter values verbosely") || equals(label, "Min num runs") ||
            equals(label, "Num runs");
    return true;
}

static bool read_line(tflite_log *lg, span line, uint64_t no, problem *pb)
{
    bool error;
    span m = message_of(line, &error);
    if (!m.n)
        return true;
    lg->any = true;
    /* what a shell prints when the tool dies of a signal ends the run as surely as its own words */
    static const char *const crashes[] = {"Segmentation fault", "Aborted", "Bus error",
                                          "Killed", "Illegal instruction",
                                          "Floating point exception"};
    bool failed = starts_with(m, "Benchmarking failed");
    for (size_t i = 0; !failed && i < sizeof crashes / sizeof crashes[0]; i++)
        failed = starts_with(m, crashes[i]);
    if ((error || failed) && !lg->failure_line) {
        lg->failure_line = no;
        lg->failure = m;
    }
    if (failed)
        lg->failed_line = no;
    if (starts_with(m, "count=")) {
        lg->recognised = true;
        return read_stats(lg, line, m, no, pb);
    }
    if (starts_with(m, "Running benchmark for")) {
        lg->recognised = true;
        lg->passes++;
        return true;
    }
    static const char *const timings[] = {"Inference timings in us:",
                                          "Average inference timings in us:"};
    for (size_t i = 0; i < 2; i++)
        if (starts_with(m, timings[i])) {
            lg->recognised = true;
            return read_timings(lg, line, skip(m, strlen(timings[i])), no, pb);
        }
    if (starts_with(m, "Initialized session in")) {
        span t = trim(skip(m, strlen("Initialized session in")));
        size_t used = scan_number(t, &lg->session_ms);
        if (!used || !starts_with(skip(t, used), "ms") || lg->session_ms < 0)
            return fail(pb, FRM_E_SYNTAX, no, column_of(line, t.s),
                        "expected the session's initialisation time in ms, found '%.*s'",
                        token_len(t), t.s);
        lg->recognised = true;
        return true;
    }
    bool seen;
    if (!read_memory(lg, line, m, no, pb, &seen))
        return false;
    if (!seen && !read_param(lg, line, m, no, pb, &seen))
        return false;
    if (seen || starts_with(m, "STARTING!"))
        lg->recognised = true;
    return true;
}

/* Every run took the same time: the tool printed "curr=" and nothing about spread. */
static bool uniform(const run_stats *s)
{
    return isnan(s->avg) && !isnan(s->curr) && (s->count == 1 || s->all_same);
}

/* The timed pass's statistics, or false with `*pb` saying why there are none. */
static bool check_log(const tflite_log *lg, problem *pb)
{
    if (!lg->any)
        return fail(pb, FRM_E_SYNTAX, 1, 0,
                    "empty: not a log of TensorFlow Lite's benchmark_model");
    if (!lg->recognised)
        return fail(pb, FRM_E_SYNTAX, 1, 0,
                    "not a log of TensorFlow Lite's benchmark_model (no 'STARTING!', "
                    "'Graph: [...]' or 'count=...' line)");
    const run_stats *t = &lg->last;
    if (!t->line && lg->failure_line)
        return fail(pb, FRM_E_FIELD, lg->failure_line, 0,
                    "no timing statistics: the benchmark failed: %.*s",
                    (int)(lg->failure.n < 120 ? lg->failure.n : 120), lg->failure.s);
    if (!t->line)
        return fail(pb, FRM_E_FIELD, lg->lines, 0,
                    "no timing statistics ('count=... avg=...'): the log ends before the "
                    "timed run (did it crash or was it cut short?)");
    if (lg->failed_line > t->line)
        return fail(pb, FRM_E_FIELD, lg->failed_line, 0,
                    "the benchmark failed after the statistics of line %llu",
                    (unsigned long long)t->line);
    if (t->pass % 2 == 1)
        return fail(pb, FRM_E_FIELD, t->line, 0,
                    "only the warm-up's statistics: the timed run's are missing (was the log "
                    "cut short?)");
    if (t->count < 1)
        return fail(pb, FRM_E_FIELD, t->line, t->count_column,
                    "the timed run has no iterations (count=%g)", t->count);
    if (isnan(t->avg) && !uniform(t))
        return fail(pb, FRM_E_FIELD, t->line, 0,
                    "incomplete statistics: no 'avg=' (was the log cut short?)");
    return true;
}

static double ms(double us)
{
    return us / 1000.0;
}

static void fill_latency(const tflite_log *lg, frm_latency *l)
{
    const run_stats *t = &lg->last;
    bool same = uniform(t);
    double mean = same ? t->curr : t->avg;
    l->mean = ms(mean);
    l->median = ms(!isnan(t->median) ? t->median : mean);
    l->min = ms(same ? t->curr : t->min);
    l->max = ms(same ? t->curr : t->max);
    /* one run has no spread to speak of; several equal ones have none */
    l->stdev = same ? (t->count > 1 ? 0 : NAN) : ms(t->std);
    l->p95 = ms(t->p95);
    l->n = t->count;

    const run_stats *w = &lg->previous;
    bool has_warmup = w->line && (lg->passes == 0 || w->pass + 1 == t->pass);
    l->warmup = has_warmup ? w->count : NAN;
    double first = !isnan(lg->first_us) ? lg->first_us
                   : !has_warmup         ? NAN
                   : !isnan(w->first)    ? w->first
                   : uniform(w)          ? w->curr
                                         : NAN;
    l->first_run = ms(first);
    l->init_ms = !isnan(lg->init_us) ? ms(lg->init_us) : lg->session_ms;
}

static bool positive(double v)
{
    return isfinite(v) && v > 0;
}

/*
 * The tool prints 0 where it cannot measure, so only positive figures
 * count.  The periodic peak is the process's whole footprint; init= and
 * overall= are growths since the tool started.
 */
static void fill_memory(const tflite_log *lg, frm_memory *m)
{
    m->peak = positive(lg->mem_peak)      ? lg->mem_peak
              : positive(lg->mem_overall) ? lg->mem_overall
                                          : NAN;
    m->rss_peak_delta = positive(lg->mem_overall) ? lg->mem_overall : NAN;
    m->rss_after_load = positive(lg->mem_init) ? lg->mem_init : NAN;
    m->source = isnan(m->peak) ? NULL : "measured";
}

/* From the graph's file name: what TensorFlow Lite's converters and model zoos call them. */
static const char *guess_precision(const char *graph)
{
    char lower[256];
    size_t n = 0;
    for (; graph[n] && n < sizeof lower - 1; n++)
        lower[n] = (char)tolower((unsigned char)graph[n]);
    lower[n] = '\0';
    if (strstr(lower, "int8") || strstr(lower, "quant"))
        return "int8";
    if (strstr(lower, "fp16") || strstr(lower, "float16"))
        return "fp16";
    return "fp32";
}

static frm_code add_record(frmi_importer *im, const tflite_log *lg, const char *path,
                           frm_error *err)
{
    const frmi_import_options *o = frmi_importer_options(im);
    char graph[256] = "";
    if (lg->graph.n) {
        span base = lg->graph;
        for (size_t i = 0; i < lg->graph.n; i++)
            if (lg->graph.s[i] == '/' || lg->graph.s[i] == '\\')
                base = skip(lg->graph, i + 1);
        if (base.n >= sizeof graph)
            return frmi_import_bad(im, err, FRM_E_FIELD, path, lg->graph_line, 0,
                                   "the graph's file name is longer than %zu bytes",
                                   sizeof graph - 1);
        memcpy(graph, base.s, base.n);
        graph[base.n] = '\0';
    }

    frmi_import_row row;
    frmi_import_row_init(&row);
    frm_record *r = &row.rec;
    char model[256] = "", tag[128] = "";
    const char *raw = o->model ? o->model : graph[0] ? graph : NULL;
    if (raw)
        frmi_model_name(o->aliases, raw, model, sizeof model, tag, sizeof tag);
    r->model = model[0] ? model : NULL;
    r->framework = "tflite";
    if (o->tier == FRM_TIER_UNKNOWN) {
        r->tier = FRM_TIER_EDGE;
        frmi_import_notice(im, "%s: tier taken as 'edge', as for a phone (--tier sets it)", path);
    }
    if (isfinite(o->batch) && o->batch > 0)
        r->batch = o->batch;
    fill_latency(lg, &r->latency_ms);
    fill_memory(lg, &r->memory_mb);

    const char *precision = o->precision;
    if (!precision) {
        precision = guess_precision(graph);
        if (graph[0])
            frmi_import_notice(im, "%s: precision '%s' guessed from the graph's file name '%s' "
                               "(--precision sets it)", path, precision, graph);
        else
            frmi_import_notice(im, "%s: precision taken as '%s': the log names no graph "
                               "(--precision sets it)", path, precision);
    }
    double threads = o->threads > 0 ? (double)o->threads : lg->threads;
    const char *delegate = "cpu";
    for (int d = 0; d < N_DELEGATES; d++)
        if (lg->use[d]) {
            delegate = delegate_names[d];
            break;
        }

    frmi_import_config_string(&row, "graph", graph[0] ? graph : NULL);
    frmi_import_config_number(&row, "threads", threads);
    frmi_import_config_string(&row, "delegate", delegate);
    frmi_import_config_string(&row, "precision", precision);
    frmi_import_config_string(&row, "tag", tag[0] ? tag : NULL);
    char threads_part[32] = "";
    if (!isnan(threads))
        snprintf(threads_part, sizeof threads_part, "threads-%.0f", threads);
    row.config_id_parts[row.n_parts++] = precision;
    row.config_id_parts[row.n_parts++] = threads_part;
    row.config_id_parts[row.n_parts++] = delegate;

    frm_code rc = frmi_import_add(im, &row, path, lg->last.line, err);
    frmi_import_row_release(&row);
    return rc;
}

frm_code frmi_import_tflite(frmi_importer *im, const char *path, const char *text, size_t len,
                            frm_error *err)
{
    tflite_log lg;
    log_init(&lg);
    problem pb;
    size_t pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        span line = span_of(text + pos, end - pos);
        if (line.n && line.s[line.n - 1] == '\r')
            line.n--;
        pos = nl ? end + 1 : len;
        if (!read_line(&lg, line, ++lg.lines, &pb))
            return frmi_import_bad(im, err, pb.code, path, pb.line, pb.column, "%s", pb.what);
    }
    if (!check_log(&lg, &pb))
        return frmi_import_bad(im, err, pb.code, path, pb.line, pb.column, "%s", pb.what);
    return add_record(im, &lg, path, err);
}
