/*
 * benchmarks/run_efficiency.c - how much of `frm run --quick` is spent measuring.
 *
 * Runs the frm binary as a child, `frm run --quick --out TMPDIR` (all 13
 * zoo models, or MODELS), timing its wall clock and each line it writes to
 * standard error as it arrives, then reads TMPDIR/results.jsonl.  The ratio
 *
 *   efficiency = time inside timed inference / total wall time
 *
 * is the share of the command that produced latency samples, where the
 * timed inference of a record is latency_ms.mean * latency_ms.n over its
 * status "ok" records.  The rest is accounted for as far as the messages
 * and records tell:
 *
 *   zoo writing      from the start to "configuration 1/3" (includes
 *                    starting frm itself and probing the host)
 *   session creation sum of latency_ms.init_ms
 *   warm-up          sum of first_run + (warmup - 1) * mean: only the first
 *                    warm-up run is timed, the others are estimated at the
 *                    timed mean
 *   per-model rest   the configurations' wall time less the three above:
 *                    worker process start (exec, loading ONNX Runtime and
 *                    its warm-up session), counting and hashing each model
 *                    in the parent, returning and writing the record
 *   report           from "records in" to the exit: scoring and the table
 *
 *   usage: bench_run_efficiency [MODELS [FRM_BINARY]]
 *          MODELS: a comma-separated zoo list, or "all" (default)
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* When frm run reached its phases, in seconds since the start; NaN if never. */
typedef struct phases {
    double configs_start;       /* "frm run: configuration 1/" */
    double records_done;        /* "frm run: records in ...; X s inside timed inference" */
    double reported_s;          /* that X: frm run's own sum */
    double exit;
    int status;                 /* the child's wait status */
} phases;

/*
 * Runs `argv` with stdout to /dev/null and stderr through a pipe, noting
 * when the phase lines arrive.  Everything the child wrote to stderr is
 * kept in `log` (a tmpfile) for an error message.  0, or -1 when the child
 * could not be run.
 */
static int run_child(char *const *argv, phases *ph, FILE *log)
{
    int fds[2];
    if (pipe(fds) != 0) {
        perror("pipe");
        return -1;
    }
    ph->configs_start = ph->records_done = ph->reported_s = NAN;
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        close(fds[0]);
        if (null < 0 || dup2(null, STDOUT_FILENO) < 0 || dup2(fds[1], STDERR_FILENO) < 0)
            _exit(127);
        execv(argv[0], argv);
        fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    char *line = NULL;
    size_t cap = 0;
    while (in && getline(&line, &cap, in) > 0) {
        double t = now() - t0;
        fputs(line, log);
        if (isnan(ph->configs_start) && strncmp(line, "frm run: configuration 1/", 25) == 0)
            ph->configs_start = t;
        else if (strncmp(line, "frm run: records in", 19) == 0) {
            ph->records_done = t;
            const char *semi = strrchr(line, ';');
            if (!semi || sscanf(semi + 1, "%lf s inside timed inference", &ph->reported_s) != 1)
                ph->reported_s = NAN;
        }
    }
    free(line);
    if (in)
        fclose(in);
    else
        close(fds[0]);
    if (waitpid(pid, &ph->status, 0) != pid) {
        perror("waitpid");
        return -1;
    }
    ph->exit = now() - t0;
    return 0;
}

typedef struct totals {
    int ok, failed;
    double timed_ms, init_ms, warmup_ms;
} totals;

static double field(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int read_records(const char *path, totals *t)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_run_efficiency: %s: %s\n", path, strerror(errno));
        return -1;
    }
    memset(t, 0, sizeof *t);
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, status = 0;
    while (status == 0 && getline(&line, &cap, f) > 0) {
        lineno++;
        json_error_t jerr;
        json_t *rec = json_loads(line, 0, &jerr);
        json_t *lat = json_object_get(rec, "latency_ms");
        const char *st = json_string_value(json_object_get(rec, "status"));
        if (!rec || !st) {
            fprintf(stderr, "bench_run_efficiency: %s:%d: not a record\n", path, lineno);
            status = -1;
        } else if (strcmp(st, "ok") != 0) {
            t->failed++;
        } else {
            double mean = field(lat, "mean"), n = field(lat, "n"), init = field(lat, "init_ms");
            double first = field(lat, "first_run"), warmup = field(lat, "warmup");
            if (isnan(mean + n + init + first + warmup)) {
                fprintf(stderr, "bench_run_efficiency: %s:%d: latency_ms lacks mean, n, init_ms, "
                        "first_run or warmup\n", path, lineno);
                status = -1;
            } else {
                t->ok++;
                t->timed_ms += mean * n;
                t->init_ms += init;
                t->warmup_ms += first + (warmup - 1.0) * mean;
            }
        }
        json_decref(rec);
    }
    free(line);
    fclose(f);
    return status;
}

static void row(const char *what, double seconds, double total)
{
    printf("  %-40s %8.1f s %6.1f%%\n", what, seconds, seconds / total * 100.0);
}

static void remove_tree(const char *dir)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_run_efficiency: could not remove %s\n", dir);
}

int main(int argc, char **argv)
{
    const char *models = argc > 1 && strcmp(argv[1], "all") != 0 ? argv[1] : NULL;
    const char *frm = argc > 2 ? argv[2] : FRM_BIN;
    if (argc > 3 || (models && !*models)) {
        fputs("usage: bench_run_efficiency [MODELS|all [FRM_BINARY]]\n", stderr);
        return 2;
    }
    if (access(frm, X_OK) != 0) {
        fprintf(stderr, "bench_run_efficiency: %s: %s (pass the frm binary as the second argument)\n", frm,
                strerror(errno));
        return 1;
    }
    char dir[] = "/tmp/frm-bench-run-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char out[600], results[640];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(results, sizeof results, "%s/results.jsonl", out);
    char *child[] = {(char *)frm, "run", "--quick", "--out", out, models ? "--models" : NULL,
                     (char *)models, NULL};
    FILE *log = tmpfile();
    phases ph;
    totals t;
    if (!log) {
        perror("tmpfile");
        remove_tree(dir);
        return 1;
    }
    int rc = run_child(child, &ph, log);
    /* Exit status 1 with the records written: some models failed, and
     * their error records are counted below. */
    if (rc == 0 && (!WIFEXITED(ph.status) || isnan(ph.configs_start) || isnan(ph.records_done))) {
        fprintf(stderr, "bench_run_efficiency: `%s run --quick` failed; its messages:\n", frm);
        rewind(log);
        int c;
        while ((c = fgetc(log)) != EOF)
            fputc(c, stderr);
        rc = -1;
    }
    fclose(log);
    if (rc == 0)
        rc = read_records(results, &t);
    remove_tree(dir);
    if (rc != 0)
        return 1;

    double total = ph.exit, timed = t.timed_ms / 1e3;
    double measuring = ph.records_done - ph.configs_start;
    double init = t.init_ms / 1e3, warmup = t.warmup_ms / 1e3;
    double rest = measuring - timed - init - warmup;
    printf("run efficiency: frm run --quick, %s; %d ok records, %d failed; exit status %d\n",
           models ? models : "all 13 models", t.ok, t.failed, WEXITSTATUS(ph.status));
    printf("  %-40s %8.1f s %6.1f%%\n", "total wall time", total, 100.0);
    row("zoo writing (and frm start)", ph.configs_start, total);
    row("measuring (3 configurations)", measuring, total);
    printf("  %-40s %8.1f s %6.1f%%  (frm run says %.1f s)\n", "  inside timed inference", timed,
           timed / total * 100.0, ph.reported_s);
    row("  session creation (init_ms)", init, total);
    row("  warm-up (first run + estimate)", warmup, total);
    row("  per-model rest (workers, profiling)", rest, total);
    row("report (scores and table)", total - ph.records_done, total);
    printf("efficiency (timed inference / wall): %.3f; per-model rest %.0f ms a record\n", timed / total,
           t.ok + t.failed ? rest * 1e3 / (t.ok + t.failed) : 0.0);
    return 0;
}
