/*
 * import/ort_perf.c - the summary that ONNX Runtime's onnxruntime_perf_test
 * prints, as one record.
 *
 * The tool's wording changed over the years: the oldest builds print
 * "Average time cost:", later ones "Average inference time cost:" and then
 * "Average inference time cost total:".  Keys are therefore matched without
 * regard to case or spacing, and every figure may name its unit, after the
 * number or in parentheses after the key; without one it is read in the
 * unit the tool has always used for it.  Builds with --data_shape add blocks
 * of per-shape statistics in milliseconds; those describe one input shape,
 * not the run, and are skipped.
 *
 * The execution provider and the thread count are options of the command,
 * which the summary does not repeat: they come from frm's options, from what
 * the log shows (a "Setting intra_op_num_threads" line, a fork's "using
 * ...ExecutionProvider", or the command line when the log echoes it), or are
 * assumed with a notice.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/import.h"

#define PROGRAM "onnxruntime_perf_test"

/* The figures of a summary. */
typedef enum slot {
    SLOT_INIT = 0,                 /* session creation */
    SLOT_FIRST,                    /* the untimed warm-up run */
    SLOT_TOTAL,                    /* sum of the timed runs */
    SLOT_REQUESTS,
    SLOT_RUNS,                     /* the count again, printed with the statistics */
    SLOT_MEAN,
    SLOT_MIN,
    SLOT_MAX,
    SLOT_P50,
    SLOT_P90,
    SLOT_P95,
    SLOT_P99,
    SLOT_PEAK,                     /* bytes */
    SLOT_N
} slot;

typedef enum kind { KIND_TIME, KIND_COUNT, KIND_BYTES } kind;

static const struct {
    const char *key;               /* as normalise_key writes it */
    slot slot;
    kind kind;
    double unit;                   /* milliseconds per unit of a time that names none */
} keys[] = {
    {"session creation time cost", SLOT_INIT, KIND_TIME, 1000},
    {"first inference time cost", SLOT_FIRST, KIND_TIME, 1},
    {"total inference time cost", SLOT_TOTAL, KIND_TIME, 1000},
    {"total time cost", SLOT_TOTAL, KIND_TIME, 1000},
    {"total inference requests", SLOT_REQUESTS, KIND_COUNT, 1},
    {"total iterations", SLOT_REQUESTS, KIND_COUNT, 1},
    {"runs", SLOT_RUNS, KIND_COUNT, 1},
    {"average inference time cost", SLOT_MEAN, KIND_TIME, 1},
    {"average inference time cost total", SLOT_MEAN, KIND_TIME, 1},
    {"average time cost", SLOT_MEAN, KIND_TIME, 1},
    {"min latency", SLOT_MIN, KIND_TIME, 1000},
    {"max latency", SLOT_MAX, KIND_TIME, 1000},
    {"p50 latency", SLOT_P50, KIND_TIME, 1000},
    {"p90 latency", SLOT_P90, KIND_TIME, 1000},
    {"p95 latency", SLOT_P95, KIND_TIME, 1000},
    {"p99 latency", SLOT_P99, KIND_TIME, 1000},
    {"peak working set size", SLOT_PEAK, KIND_BYTES, 1},
};

static const struct {
    const char *name;
    kind kind;
    double scale;                  /* milliseconds or bytes per unit */
} units[] = {
    {"s", KIND_TIME, 1000},
    {"sec", KIND_TIME, 1000},
    {"secs", KIND_TIME, 1000},
    {"second", KIND_TIME, 1000},
    {"seconds", KIND_TIME, 1000},
    {"ms", KIND_TIME, 1},
    {"msec", KIND_TIME, 1},
    {"msecs", KIND_TIME, 1},
    {"millisecond", KIND_TIME, 1},
    {"milliseconds", KIND_TIME, 1},
    {"us", KIND_TIME, 1e-3},
    {"usec", KIND_TIME, 1e-3},
    {"\xc2\xb5s", KIND_TIME, 1e-3},
    {"microsecond", KIND_TIME, 1e-3},
    {"microseconds", KIND_TIME, 1e-3},
    {"ns", KIND_TIME, 1e-6},
    {"byte", KIND_BYTES, 1},
    {"bytes", KIND_BYTES, 1},
};

/* What an echoed command line says. */
typedef struct command {
    char provider[64];             /* -e */
    char plugin[64];               /* the first of --plugin_eps */
    int threads;                   /* -x; 0 is ORT's default, -1 not given */
    char model[512];               /* the first positional argument */
    bool positional_seen;
} command;

typedef struct summary {
    double value[SLOT_N];          /* milliseconds, a count or bytes; NaN when not stated */
    uint64_t line[SLOT_N];         /* where each was stated; 0 when not */
    char provider[64];             /* a fork's "using ...ExecutionProvider" */
    int threads;                   /* "Setting intra_op_num_threads to N"; 0 when not said */
    command cmd;
    bool shape_groups;             /* per-shape blocks were met */
    uint64_t n_lines;
} summary;

/* The first bad line, reported once by the caller. */
typedef struct problem {
    frm_code code;                 /* FRM_OK: none */
    uint64_t line;
    unsigned column;
    char what[200];
} problem;

static void set_problem(problem *p, frm_code code, uint64_t line, size_t column,
                        const char *fmt, ...) FRMI_PRINTF(5, 6);

static void set_problem(problem *p, frm_code code, uint64_t line, size_t column,
                        const char *fmt, ...)
{
    p->code = code;
    p->line = line;
    p->column = (unsigned)column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->what, sizeof p->what, fmt, ap);
    va_end(ap);
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool ends_with_nocase(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* Whether s[0, n) holds `needle`. */
static bool contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0)
            return true;
    return false;
}

/*
 * s[0, n) in lower case, blanks around removed and runs of blanks inside
 * made one space ("  P50  Latency " -> "p50 latency"); false when it does
 * not fit.
 */
static bool normalise_key(const char *s, size_t n, char *out, size_t size)
{
    size_t k = 0;
    bool gap = false;
    for (size_t i = 0; i < n; i++) {
        if (blank(s[i])) {
            gap = k > 0;
            continue;
        }
        if (k + (gap ? 2 : 1) >= size)
            return false;
        if (gap)
            out[k++] = ' ';
        gap = false;
        out[k++] = (char)tolower((unsigned char)s[i]);
    }
    out[k] = '\0';
    return true;
}

/* The unit named s[0, n) for a figure of `k`: its scale, or 0 when it names none. */
static double unit_scale(const char *s, size_t n, kind k)
{
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (units[i].kind == k && strlen(units[i].name) == n &&
            strncasecmp(units[i].name, s, n) == 0)
            return units[i].scale;
    return 0;
}

/* The length of the decimal number C++ streams print ("12", "0.0123", "1.5e-05"), 0 for none. */
static size_t scan_number(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    while (i < n && isdigit((unsigned char)s[i])) {
        i++;
        digits++;
    }
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && isdigit((unsigned char)s[i])) {
            i++;
            digits++;
        }
    }
    if (!digits)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < n && (s[j] == '-' || s[j] == '+'))
            j++;
        size_t k = j;
        while (k < n && isdigit((unsigned char)s[k]))
            k++;
        if (k > j)
            i = k;
    }
    return i;
}

/* A unit word: ASCII letters, and any byte of a multi-byte UTF-8 letter (the "µ" of "µs"). */
static size_t scan_word(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80))
        i++;
    return i;
}

/*
 * The figure of keys[k] in line[from, to): a number, then a unit word
 * that suits it.  `key_unit` is the scale a "(unit)" after the key named,
 * 0 when none; `name` the key as written, for messages.
 */
static bool read_figure(const char *line, size_t from, size_t to, size_t k, double key_unit,
                        const char *name, size_t name_len, uint64_t line_no, double *out,
                        problem *p)
{
    size_t i = from;
    while (i < to && blank(line[i]))
        i++;
    size_t len = scan_number(line + i, to - i);
    if (!len) {
        if (i == to)
            set_problem(p, FRM_E_SYNTAX, line_no, i + 1, "no value after '%.*s'",
                        (int)name_len, name);
        else
            set_problem(p, FRM_E_SYNTAX, line_no, i + 1,
                        "'%.*s' is not followed by a number but by '%.*s'", (int)name_len,
                        name, (int)(to - i < 20 ? to - i : 20), line + i);
        return false;
    }
    char buf[64];
    if (len >= sizeof buf) {
        set_problem(p, FRM_E_SYNTAX, line_no, i + 1, "the number after '%.*s' is too long",
                    (int)name_len, name);
        return false;
    }
    memcpy(buf, line + i, len);
    buf[len] = '\0';
    double v = strtod(buf, NULL);
    if (!isfinite(v) || v < 0) {
        set_problem(p, FRM_E_FIELD, line_no, i + 1, "'%.*s' is %s: %s", (int)name_len, name,
                    v < 0 ? "negative" : "out of range", buf);
        return false;
    }
    size_t number_at = i;
    i += len;
    if (i < to && !blank(line[i]) && !isalpha((unsigned char)line[i]) &&
        (unsigned char)line[i] < 0x80) {
        if (isprint((unsigned char)line[i]))
            set_problem(p, FRM_E_SYNTAX, line_no, i + 1, "'%c' after the number of '%.*s'",
                        line[i], (int)name_len, name);
        else
            set_problem(p, FRM_E_SYNTAX, line_no, i + 1, "byte 0x%02x after the number of '%.*s'",
                        (unsigned char)line[i], (int)name_len, name);
        return false;
    }
    while (i < to && blank(line[i]))
        i++;
    size_t word = scan_word(line + i, to - i);
    double scale = key_unit > 0 ? key_unit : keys[k].unit;
    if (word) {
        scale = keys[k].kind == KIND_COUNT ? 0 : unit_scale(line + i, word, keys[k].kind);
        if (scale == 0) {
            set_problem(p, FRM_E_SYNTAX, line_no, i + 1, "'%.*s' is not a unit of '%.*s'",
                        (int)word, line + i, (int)name_len, name);
            return false;
        }
    }
    if (keys[k].kind == KIND_COUNT && v != floor(v)) {
        set_problem(p, FRM_E_FIELD, line_no, number_at + 1, "'%.*s' is not a whole number: %s",
                    (int)name_len, name, buf);
        return false;
    }
    *out = v * scale;
    return true;
}

static const char provider_suffix[] = "executionprovider";

static bool has_provider_suffix(const char *s, size_t n)
{
    size_t k = sizeof provider_suffix - 1;
    return n > k && strncasecmp(s + n - k, provider_suffix, k) == 0;
}

/* An execution provider as frm names it: "CUDAExecutionProvider" and "cuda" are "cuda". */
static bool provider_name(const char *s, size_t n, char *out, size_t size)
{
    if (has_provider_suffix(s, n))
        n -= sizeof provider_suffix - 1;
    if (n == 0 || n >= size)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!isalnum((unsigned char)s[i]) && s[i] != '_')
            return false;
        out[i] = (char)tolower((unsigned char)s[i]);
    }
    out[n] = '\0';
    return true;
}

/* A backslash that joins this line to the next, as shells read it. */
static bool continues(const char *s, size_t n, size_t i)
{
    if (i >= n || s[i] != '\\')
        return false;
    size_t j = i + 1;
    if (j < n && s[j] == '\r')
        j++;
    return j >= n || s[j] == '\n';
}

/*
 * The next word of the shell command s[*i, n) into `word`: quotes group
 * and are dropped, a backslash at a line's end is a blank.  false at the
 * end.  *quoted says whether a part of the word was quoted.
 */
static bool next_word(const char *s, size_t n, size_t *i, char *word, size_t size, bool *quoted)
{
    for (;;) {
        while (*i < n && (blank(s[*i]) || s[*i] == '\r' || s[*i] == '\n'))
            (*i)++;
        if (!continues(s, n, *i))
            break;
        (*i)++;
    }
    if (*i >= n)
        return false;
    size_t k = 0;
    char quote = 0;
    *quoted = false;
    for (; *i < n; (*i)++) {
        char c = s[*i];
        if (quote && c == quote) {
            quote = 0;
            continue;
        }
        if (!quote && (c == '"' || c == '\'')) {
            quote = c;
            *quoted = true;
            continue;
        }
        if (!quote && (blank(c) || c == '\r' || c == '\n' || continues(s, n, *i)))
            break;
        if (k + 1 < size)
            word[k++] = c;
    }
    word[k] = '\0';
    return true;
}

static bool is_program(const char *word)
{
    const char *base = word + strlen(word);
    while (base > word && base[-1] != '/' && base[-1] != '\\')
        base--;
    return strcmp(base, PROGRAM) == 0 || strcasecmp(base, PROGRAM ".exe") == 0;
}

/* Flags of onnxruntime_perf_test that take no value (all others take one). */
static bool is_switch(const char *name, size_t n)
{
    static const char *const switches[] = {
        "A", "M", "s", "v", "I", "P", "q", "z", "D", "Z", "n", "l", "g", "X", "h", "help",
        "opt_save_prepacks", "enable_telemetry", "list_ep_devices",
        "plugin_ep_force_cpu_allocator", "compile_ep_context", "compile_binary_embed",
        "compile_only"};
    for (size_t i = 0; i < sizeof switches / sizeof switches[0]; i++)
        if (strlen(switches[i]) == n && strncmp(switches[i], name, n) == 0)
            return true;
    return false;
}

static void apply_option(command *c, const char *name, size_t n, const char *value)
{
    if (n == 1 && name[0] == 'e') {
        provider_name(value, strlen(value), c->provider, sizeof c->provider);
    } else if (n == 1 && name[0] == 'x') {
        size_t len = strlen(value);
        if (len > 0 && len < 7 && strspn(value, "0123456789") == len)
            c->threads = atoi(value);
    } else if (n == 10 && strncmp(name, "plugin_eps", n) == 0) {
        provider_name(value, strcspn(value, ";"), c->plugin, sizeof c->plugin);
    }
}

/*
 * Reads an echoed command line, s[0, n): the options that matter and the
 * model.  A command run through a wrapper (adb shell "...") is read inside
 * its quotes.
 */
static void read_command(const char *s, size_t n, int depth, command *c)
{
    char word[1024], value[1024];
    bool quoted, found = false, options_done = false;
    size_t i = 0;
    while (next_word(s, n, &i, word, sizeof word, &quoted)) {
        if (!found) {
            if (is_program(word))
                found = true;
            else if (quoted && depth < 2 && contains(word, strlen(word), PROGRAM)) {
                read_command(word, strlen(word), depth + 1, c);
                return;
            }
            continue;
        }
        if (!quoted && (strcmp(word, ";") == 0 || strcmp(word, "&&") == 0 ||
                        strcmp(word, "||") == 0 || strcmp(word, "|") == 0 ||
                        (word[0] && strchr("<>&", word[0])) || (isdigit((unsigned char)word[0]) &&
                                                   word[1] == '>')))
            return;
        if (!quoted && !options_done && word[0] == '-' && word[1]) {
            if (strcmp(word, "--") == 0) {
                options_done = true;
                continue;
            }
            const char *name = word + (word[1] == '-' ? 2 : 1);
            const char *eq = strchr(name, '=');
            const char *attached = NULL;
            size_t name_len = eq ? (size_t)(eq - name) : strlen(name);
            /* getopt's "-x4", "-ecuda"; long names all hold '_' or come with "--" */
            if (!eq && word[1] != '-' && name_len > 1 && !strchr(name, '_')) {
                attached = name + 1;
                name_len = 1;
            }
            if (is_switch(name, name_len))
                continue;
            if (eq || attached) {
                apply_option(c, name, name_len, eq ? eq + 1 : attached);
            } else {
                if (!next_word(s, n, &i, value, sizeof value, &quoted))
                    return;
                apply_option(c, name, name_len, value);
            }
            continue;
        }
        if (!c->positional_seen) {
            c->positional_seen = true;
            /* the tool loads .onnx and .ort files only */
            if ((ends_with_nocase(word, ".onnx") || ends_with_nocase(word, ".ort")) &&
                strlen(word) < sizeof c->model)
                strcpy(c->model, word);
        }
    }
}

/*
 * The name the tool itself gives a model: the file's, or for ONNX's
 * test-case layout (test_NAME/model.onnx) the folder's without "test_".
 */
static void model_from_path(const char *path, char *raw, size_t size)
{
    const char *end = path + strlen(path);
    const char *base = end;
    while (base > path && base[-1] != '/' && base[-1] != '\\')
        base--;
    const char *dot = strrchr(base, '.');
    size_t stem = dot ? (size_t)(dot - base) : (size_t)(end - base);
    const char *name = base;
    size_t n = stem;
    if (stem == 5 && strncasecmp(base, "model", 5) == 0 && base > path) {
        const char *dir_end = base - 1;
        const char *dir = dir_end;
        while (dir > path && dir[-1] != '/' && dir[-1] != '\\')
            dir--;
        if (dir_end > dir) {
            name = dir;
            n = (size_t)(dir_end - dir);
            if (n > 5 && strncmp(name, "test_", 5) == 0) {
                name += 5;
                n -= 5;
            }
        }
    }
    snprintf(raw, size, "%.*s", (int)n, name);
}

/* Lines without a colon that still say something: the threads set, a fork's provider. */
static bool read_remark(const char *line, size_t len, uint64_t line_no, summary *s, problem *p)
{
    static const char threads[] = "setting intra_op_num_threads to";
    static const char using[] = "using ";
    size_t i = 0;
    while (i < len && blank(line[i]))
        i++;
    size_t k = sizeof threads - 1;
    if (len - i > k && strncasecmp(line + i, threads, k) == 0) {
        i += k;
        while (i < len && blank(line[i]))
            i++;
        size_t digits = 0;
        int count = 0;
        while (i + digits < len && isdigit((unsigned char)line[i + digits]) && digits < 7)
            count = count * 10 + (line[i + digits++] - '0');
        size_t rest = i + digits;
        while (rest < len && blank(line[rest]))
            rest++;
        if (digits == 0 || rest < len) {
            set_problem(p, FRM_E_SYNTAX, line_no, i + 1, "the thread count is not a number");
            return false;
        }
        s->threads = count;
        return true;
    }
    k = sizeof using - 1;
    if (len - i > k && strncasecmp(line + i, using, k) == 0) {
        i += k;
        size_t n = len - i;
        while (n && blank(line[i + n - 1]))
            n--;
        if (has_provider_suffix(line + i, n))
            provider_name(line + i, n, s->provider, sizeof s->provider);
    }
    return true;
}

static void summary_init(summary *s)
{
    memset(s, 0, sizeof *s);
    for (int i = 0; i < SLOT_N; i++)
        s->value[i] = NAN;
    s->cmd.threads = -1;
}

/* One "Key: figure" line, line[0, len), with `colon` its first colon. */
static bool read_figure_line(const char *line, size_t len, size_t colon, uint64_t line_no,
                             summary *s, bool *shape_block, problem *p)
{
    char key[96];
    if (!normalise_key(line, colon, key, sizeof key))
        return true;
    if (strcmp(key, "latency per shape group") == 0 || strncmp(key, "shape group ", 12) == 0) {
        s->shape_groups = true;
        *shape_block = true;
        return true;
    }
    /* "P50 latency (ms)": the unit in parentheses */
    const char *unit = NULL;
    size_t unit_len = 0, key_len = strlen(key);
    char *open = key_len && key[key_len - 1] == ')' ? strrchr(key, '(') : NULL;
    if (open) {
        unit = open + 1;
        unit_len = (size_t)(key + key_len - 1 - unit);
        while (unit_len && unit[0] == ' ') {
            unit++;
            unit_len--;
        }
        while (unit_len && unit[unit_len - 1] == ' ')
            unit_len--;
        while (open > key && open[-1] == ' ')
            open--;
        *open = '\0';
    }
    size_t k = 0, n_keys = sizeof keys / sizeof keys[0];
    while (k < n_keys && strcmp(keys[k].key, key) != 0)
        k++;
    if (k == n_keys)
        return true;
    double key_unit = 0;
    if (unit) {
        key_unit = unit_scale(unit, unit_len, keys[k].kind);
        if (key_unit == 0)
            return true;
    }
    size_t name = 0, name_end = colon;
    while (name < name_end && blank(line[name]))
        name++;
    while (name_end > name && blank(line[name_end - 1]))
        name_end--;
    slot sl = keys[k].slot;
    /* the peak is printed twice by design; anything else twice is a second run */
    if (s->line[sl] && sl != SLOT_PEAK) {
        set_problem(p, FRM_E_SYNTAX, line_no, name + 1,
                    "a second '%.*s' (the first is on line %llu): one run per file",
                    (int)(name_end - name), line + name, (unsigned long long)s->line[sl]);
        return false;
    }
    double v;
    if (!read_figure(line, colon + 1, len, k, key_unit, line + name, name_end - name, line_no,
                     &v, p))
        return false;
    if (!s->line[sl]) {
        s->value[sl] = v;
        s->line[sl] = line_no;
    }
    return true;
}

/* Whether text[from, to) ends in a backslash that continues it on the next line. */
static bool ends_continued(const char *text, size_t from, size_t to)
{
    return to > from && text[to - 1] == '\\';
}

/* The whole log; false with `p` set at the first bad line. */
static bool read_summary(const char *text, size_t len, summary *s, problem *p)
{
    size_t pos = 0;
    uint64_t line_no = 0;
    bool shape_block = false;
    while (pos < len) {
        size_t start = pos;
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        pos = nl ? end + 1 : len;
        line_no++;
        if (end > start && text[end - 1] == '\r')
            end--;
        const char *line = text + start;
        size_t n = end - start, first = 0;
        while (first < n && blank(line[first]))
            first++;
        if (first == n)
            continue;
        /* a per-shape block holds its lines indented */
        if (shape_block && first > 0)
            continue;
        shape_block = false;
        if (contains(line, n, PROGRAM)) {
            while (pos < len && ends_continued(text, start, end)) {
                nl = memchr(text + pos, '\n', len - pos);
                end = nl ? (size_t)(nl - text) : len;
                pos = nl ? end + 1 : len;
                line_no++;
                if (end > start && text[end - 1] == '\r')
                    end--;
            }
            read_command(line, end - start, 0, &s->cmd);
            continue;
        }
        const char *colon = memchr(line, ':', n);
        bool ok = colon ? read_figure_line(line, n, (size_t)(colon - line), line_no, s,
                                           &shape_block, p)
                        : read_remark(line, n, line_no, s, p);
        if (!ok)
            return false;
    }
    s->n_lines = line_no;
    return true;
}

static frm_tier tier_of(const char *provider)
{
    static const char *const gpu[] = {"cuda", "tensorrt", "nvtensorrtrtx", "rocm", "dml",
                                      "migraphx", "webgpu"};
    for (size_t i = 0; i < sizeof gpu / sizeof gpu[0]; i++)
        if (strcmp(provider, gpu[i]) == 0)
            return FRM_TIER_GPU;
    return FRM_TIER_CPU;
}

frm_code frmi_import_ort_perf(frmi_importer *im, const char *path, const char *text,
                              size_t len, frm_error *err)
{
    summary s;
    summary_init(&s);
    problem p = {FRM_OK, 0, 0, ""};
    if (!read_summary(text, len, &s, &p))
        return frmi_import_bad(im, err, p.code, path, p.line, p.column, "%s", p.what);

    double n = !isnan(s.value[SLOT_REQUESTS]) ? s.value[SLOT_REQUESTS] : s.value[SLOT_RUNS];
    double mean = s.value[SLOT_MEAN];
    uint64_t mean_line = s.line[SLOT_MEAN];
    /* a summary cut short after the totals still gives the mean */
    if (isnan(mean) && s.line[SLOT_TOTAL] && n > 0) {
        mean = s.value[SLOT_TOTAL] / n;
        mean_line = s.line[SLOT_TOTAL];
    }
    if (isnan(s.value[SLOT_P50]) && isnan(mean))
        return frmi_import_bad(im, err, FRM_E_FIELD, path, s.n_lines ? s.n_lines : 1, 0,
                               "no latency (neither 'P50 Latency' nor 'Average inference time "
                               "cost'): the run failed, or this is not %s output", PROGRAM);

    const frmi_import_options *o = frmi_importer_options(im);
    char provider[64];
    if (o->provider) {
        if (!provider_name(o->provider, strlen(o->provider), provider, sizeof provider))
            snprintf(provider, sizeof provider, "%s", o->provider);
    } else if (s.provider[0] || s.cmd.provider[0] || s.cmd.plugin[0]) {
        snprintf(provider, sizeof provider, "%s",
                 s.provider[0] ? s.provider : s.cmd.provider[0] ? s.cmd.provider : s.cmd.plugin);
    } else {
        snprintf(provider, sizeof provider, "cpu");
        frmi_import_notice(im, "%s: the log names no execution provider; 'cpu' assumed "
                           "(--provider to set it)", path);
    }
    int threads = o->threads > 0 ? o->threads : s.threads > 0 ? s.threads
                  : s.cmd.threads > 0 ? s.cmd.threads : 0;
    if (threads == 0 && s.cmd.threads != 0)
        frmi_import_notice(im, "%s: the log states no thread count; ONNX Runtime's default "
                           "assumed (--threads to set it)", path);
    const char *precision = o->precision ? o->precision : "fp32";

    char model[256] = "", tag[64] = "", raw[512];
    if (o->model) {
        frmi_model_name(o->aliases, o->model, model, sizeof model, tag, sizeof tag);
    } else if (s.cmd.model[0]) {
        model_from_path(s.cmd.model, raw, sizeof raw);
        frmi_model_name(o->aliases, raw, model, sizeof model, tag, sizeof tag);
        frmi_import_notice(im, "%s: model '%s' taken from the model path '%s' of the command "
                           "line in the log", path, model, s.cmd.model);
    }

    frmi_import_row row;
    frmi_import_row_init(&row);
    frm_record *r = &row.rec;
    r->model = model[0] ? model : NULL;
    r->framework = "onnxruntime";
    r->batch = o->batch > 0 ? o->batch : 1;
    if (o->tier == FRM_TIER_UNKNOWN) {
        r->tier = tier_of(provider);
        frmi_import_notice(im, "%s: tier '%s' chosen from the execution provider '%s' "
                           "(--tier to set it)", path, frm_tier_name(r->tier), provider);
    }

    frm_latency *l = &r->latency_ms;
    uint64_t line = s.line[SLOT_P50];
    if (line) {
        l->median = s.value[SLOT_P50];
    } else {
        l->median = mean;
        line = mean_line;
        frmi_import_notice(im, "%s: no 'P50 Latency' (the tool prints percentiles with -s or "
                           "without a result file); the median is the average", path);
    }
    l->mean = mean;
    l->min = s.value[SLOT_MIN];
    l->max = s.value[SLOT_MAX];
    l->p90 = s.value[SLOT_P90];
    l->p95 = s.value[SLOT_P95];
    l->p99 = s.value[SLOT_P99];
    l->n = n;
    l->first_run = s.value[SLOT_FIRST];
    l->init_ms = s.value[SLOT_INIT];
    /* one untimed run before the timed ones; with --data_shape one per shape */
    if (!s.shape_groups)
        l->warmup = 1;
    /* 0 where the platform offers no peak working set */
    if (s.value[SLOT_PEAK] > 0) {
        r->memory_mb.peak = s.value[SLOT_PEAK] / 1e6;
        r->memory_mb.source = "measured";
    }

    char threads_part[32];
    if (threads > 0)
        snprintf(threads_part, sizeof threads_part, "threads-%d", threads);
    else
        snprintf(threads_part, sizeof threads_part, "threads-default");
    frmi_import_config_string(&row, "provider", provider);
    frmi_import_config_number(&row, "threads", threads > 0 ? threads : NAN);
    frmi_import_config_string(&row, "precision", precision);
    frmi_import_config_string(&row, "tag", tag[0] ? tag : NULL);
    row.config_id_parts[row.n_parts++] = provider;
    row.config_id_parts[row.n_parts++] = threads_part;
    row.config_id_parts[row.n_parts++] = precision;

    frm_code rc = frmi_import_add(im, &row, path, line, err);
    frmi_import_row_release(&row);
    return rc;
}
