/*
 * tests/testutil.c - temporary files, running the tool, value assertions.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[4096];
static char paths[64][4200];
static size_t n_paths;

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_tmpdir(void)
{
    if (tmpdir[0])
        nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tu_tmpdir(void)
{
    if (!tmpdir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(tmpdir, sizeof tmpdir, "%s/frm-test-XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir)) {
            fprintf(stderr, "mkdtemp %s: %s\n", tmpdir, strerror(errno));
            abort();
        }
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

const char *tu_write(const char *name, const char *content)
{
    char *path = paths[n_paths++ % 64];
    snprintf(path, sizeof paths[0], "%s/%s", tu_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(content, 1, strlen(content), f), strlen(content));
    assert_int_equal(fclose(f), 0);
    return path;
}

char *tu_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0, n;
    char *data = malloc(cap);
    while (data && (n = fread(data + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            char *bigger = realloc(data, cap * 2);
            if (!bigger) {
                free(data);
                data = NULL;
                break;
            }
            data = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (data)
        data[len] = '\0';
    return data;
}

typedef struct sink {
    int fd;
    char *data;
    size_t len, cap;
} sink;

static void sink_read(sink *s)
{
    char chunk[65536];
    ssize_t n = read(s->fd, chunk, sizeof chunk);
    if (n <= 0) {
        close(s->fd);
        s->fd = -1;
        return;
    }
    if (s->len + (size_t)n + 1 > s->cap) {
        s->cap = (s->len + (size_t)n + 1) * 2;
        s->data = realloc(s->data, s->cap);
        assert_non_null(s->data);
    }
    memcpy(s->data + s->len, chunk, (size_t)n);
    s->len += (size_t)n;
    s->data[s->len] = '\0';
}

tu_run tu_frm(const char *input, const char *stdout_path, ...)
{
    const char *argv[64] = {FRM_BIN};
    size_t argc = 1;
    va_list ap;
    va_start(ap, stdout_path);
    const char *a;
    while ((a = va_arg(ap, const char *)) != NULL && argc < 63)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;

    int in[2], out[2], err[2];
    assert_int_equal(pipe(in), 0);
    assert_int_equal(pipe(out), 0);
    assert_int_equal(pipe(err), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(in[0], 0);
        if (stdout_path) {
            int fd = open(stdout_path, O_WRONLY);
            dup2(fd, 1);
        } else {
            dup2(out[1], 1);
        }
        dup2(err[1], 2);
        for (int fd = 3; fd < 64; fd++)
            close(fd);
        execv(FRM_BIN, (char *const *)argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    /* A writer that dies early must not kill the test with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    if (input) {
        size_t len = strlen(input), done = 0;
        while (done < len) {
            ssize_t n = write(in[1], input + done, len - done);
            if (n <= 0)
                break;
            done += (size_t)n;
        }
    }
    close(in[1]);
    sink so = {out[0], calloc(1, 1), 0, 1}, se = {err[0], calloc(1, 1), 0, 1};
    while (so.fd >= 0 || se.fd >= 0) {
        struct pollfd p[2] = {{so.fd, POLLIN, 0}, {se.fd, POLLIN, 0}};
        if (poll(p, 2, -1) < 0)
            break;
        if (so.fd >= 0 && p[0].revents)
            sink_read(&so);
        if (se.fd >= 0 && p[1].revents)
            sink_read(&se);
    }
    int wstatus;
    waitpid(pid, &wstatus, 0);
    tu_run r = {WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus), so.data,
                se.data};
    return r;
}

void tu_run_free(tu_run *r)
{
    free(r->out);
    free(r->err);
}

void tu_assert_contains(const char *haystack, const char *needle, const char *file, int line)
{
    if (haystack && needle && strstr(haystack, needle))
        return;
    print_error("%s:%d: expected to find\n  \"%s\"\nin\n  \"%s\"\n", file, line,
                needle ? needle : "(null)", haystack ? haystack : "(null)");
    _fail(file, line);
}

void tu_assert_close(double actual, double expected, double rel, const char *file, int line)
{
    if (fabs(actual - expected) <= rel * fabs(expected))
        return;
    print_error("%s:%d: %.17g is not within %g (relative) of %.17g\n", file, line, actual, rel,
                expected);
    _fail(file, line);
}

void tu_assert_same(double a, double b, const char *what, const char *file, int line)
{
    if ((isnan(a) && isnan(b)) || a == b)
        return;
    print_error("%s:%d: %s: %.17g != %.17g\n", file, line, what, a, b);
    _fail(file, line);
}

void tu_collect(void *ctx, const frm_error *e)
{
    tu_diags *d = ctx;
    if (d->n < 8)
        snprintf(d->message[d->n], sizeof d->message[0], "%s", e->message);
    d->n++;
}

static void put_number(char *buf, size_t size, const char *key, double v)
{
    size_t len = strlen(buf);
    if (isnan(v))
        snprintf(buf + len, size - len, ",\"%s\":null", key);
    else
        snprintf(buf + len, size - len, ",\"%s\":%.17g", key, v);
}

const char *tu_line(const char *config_id, const char *device, const char *tier,
                    const char *model, double latency_ms, double batch, double memory_mb,
                    double macs, double energy_mj, double accuracy)
{
    static char buf[2048];
    snprintf(buf, sizeof buf,
             "{\"schema\":\"frm.record/1\",\"status\":\"ok\",\"model\":\"%s\",\"device\":\"%s\","
             "\"tier\":\"%s\",\"framework\":\"onnxruntime\",\"config\":{\"batch\":%.17g},"
             "\"config_id\":\"%s\",\"latency_ms\":{\"median\":%.17g}",
             model, device, tier, batch, config_id, latency_ms);
    /* NaN leaves memory out, as a source that measures none does */
    if (!isnan(memory_mb))
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), ",\"memory_mb\":{\"peak\":%.17g}",
                 memory_mb);
    put_number(buf, sizeof buf, "macs", macs);
    put_number(buf, sizeof buf, "energy_mj", energy_mj);
    put_number(buf, sizeof buf, "accuracy_top1", accuracy);
    strncat(buf, "}\n", sizeof buf - strlen(buf) - 1);
    return buf;
}

/*
 * Runs argv[0] (looked up in PATH) with stdout and stderr to `out_path`
 * (or inherited when NULL).  Returns the exit status, 127 when it could
 * not be started, 128 + signal when killed.
 */
int tu_run_to(const char *const *argv, const char *out_path)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0666);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * A Python that can import onnx, or NULL.  $FRM_PYTHON first, then
 * python3 from PATH, then the system interpreter: Debian's python3-onnx
 * installs for that one, which a virtualenv or pyenv shim in PATH hides.
 */
const char *tu_onnx_python(void)
{
    static int looked;
    static const char *found;
    if (looked)
        return found;
    looked = 1;
    const char *env = getenv("FRM_PYTHON");
    const char *candidates[] = {env && *env ? env : "python3", "python3", "/usr/bin/python3"};
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0] && !found; i++) {
        const char *argv[] = {candidates[i], "-c", "import onnx", NULL};
        if (tu_run_to(argv, NULL) == 0)
            found = candidates[i];
    }
    return found;
}

int tu_runtime_offers(const char *name)
{
    frm_runtime rt;
    frm_error err;
    assert_int_equal(frm_runtime_probe(&rt, &err), FRM_OK);
    int found = 0;
    for (size_t i = 0; i < rt.n_providers; i++)
        found |= strcmp(rt.providers[i], name) == 0;
    frm_runtime_release(&rt);
    return found;
}
