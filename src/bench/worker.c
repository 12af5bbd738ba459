/*
 * bench/worker.c - starting, watching and reaping a measurement worker.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "bench/probe.h"
#include "bench/worker.h"
#include "util/error.h"

/* Between fork and exec only async-signal-safe calls are allowed. */
static void exec_child(char *const argv[], int write_fd, pid_t parent)
{
    setpgid(0, 0);
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(127);
#else
    (void)parent;
#endif
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    if (write_fd != FRMI_WORKER_FD) {
        if (dup2(write_fd, FRMI_WORKER_FD) < 0)
            _exit(127);
        close(write_fd);
    } else {
        fcntl(FRMI_WORKER_FD, F_SETFD, 0);
    }
    dup2(STDERR_FILENO, STDOUT_FILENO);
    execv(argv[0], argv);
    static const char msg[] = "error cannot start the worker process\n";
    ssize_t ignored = write(FRMI_WORKER_FD, msg, sizeof msg - 1);
    (void)ignored;
    _exit(127);
}

static char *dup_text(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void handle_line(char *line, const frmi_worker_watch *watch, frmi_worker_result *out)
{
    if (strncmp(line, "progress ", 9) == 0) {
        int done, total;
        if (watch->progress && sscanf(line + 9, "%d %d", &done, &total) == 2)
            watch->progress(watch->progress_ctx, done, total);
    } else if (strncmp(line, "result ", 7) == 0) {
        free(out->result);
        out->result = dup_text(line + 7);
    } else if (strncmp(line, "error ", 6) == 0) {
        free(out->error);
        out->error = dup_text(line + 6);
    }
}

/* Reads the worker's lines until it closes the pipe or must be killed. */
static void watch_pipe(int fd, pid_t pid, double deadline, const frmi_worker_watch *watch,
                       frmi_worker_result *out)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (watch->abandon && *watch->abandon) {
            out->abandoned = 1;
            break;
        }
        int wait_ms = 100;
        if (deadline > 0) {
            double left = deadline - frmi_now_ms();
            if (left <= 0) {
                out->timed_out = 1;
                break;
            }
            if (left < wait_ms)
                wait_ms = (int)left + 1;
        }
        struct pollfd p = {fd, POLLIN, 0};
        int r = poll(&p, 1, wait_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        if (len + 4096 + 1 > cap) {
            size_t ncap = cap ? cap * 2 : 8192;
            char *nbuf = realloc(buf, ncap);
            if (!nbuf)
                break;
            buf = nbuf;
            cap = ncap;
        }
        ssize_t n = read(fd, buf + len, 4096);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        buf[len] = '\0';
        char *start = buf, *nl;
        while ((nl = memchr(start, '\n', len - (size_t)(start - buf)))) {
            *nl = '\0';
            handle_line(start, watch, out);
            start = nl + 1;
        }
        len -= (size_t)(start - buf);
        memmove(buf, start, len);
    }
    free(buf);
    if (out->timed_out || out->abandoned)
        kill(-pid, SIGKILL);
}

frm_code frmi_worker_run(char *const argv[], const frmi_worker_watch *watch,
                         frmi_worker_result *out, frm_error *err)
{
    memset(out, 0, sizeof *out);
    out->exit_code = -1;
    int fds[2];
    if (pipe(fds) != 0)
        return frmi_fail(err, FRM_E_IO, "cannot create a pipe for the worker: %s", strerror(errno));
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    double deadline = watch->timeout_s > 0 ? frmi_now_ms() + watch->timeout_s * 1e3 : 0;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return frmi_fail(err, FRM_E_IO, "cannot start a worker process: %s", strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        exec_child(argv, fds[1], parent);
    }
    /* Both sides set the group, so a signal to it cannot race the child. */
    setpgid(pid, pid);
    close(fds[1]);
    watch_pipe(fds[0], pid, deadline, watch, out);
    close(fds[0]);

    /* The pipe closes when the worker exits, or when it closes it and
     * lingers: the deadline and the abandon flag still hold then. */
    int status;
    pid_t got;
    while ((got = waitpid(pid, &status, WNOHANG)) == 0) {
        if (!out->timed_out && !out->abandoned) {
            if (watch->abandon && *watch->abandon)
                out->abandoned = 1;
            else if (deadline > 0 && frmi_now_ms() > deadline)
                out->timed_out = 1;
            if (out->timed_out || out->abandoned)
                kill(-pid, SIGKILL);
        }
        struct timespec nap = {0, 10 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    if (got < 0)
        return frmi_fail(err, FRM_E_IO, "lost the worker process: %s", strerror(errno));
    if (WIFEXITED(status))
        out->exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        out->signal = WTERMSIG(status);
    return FRM_OK;
}

void frmi_worker_result_release(frmi_worker_result *r)
{
    free(r->result);
    free(r->error);
    r->result = r->error = NULL;
}

void frmi_worker_send(const char *kind, const char *text)
{
    size_t klen = strlen(kind), tlen = strlen(text);
    char *line = malloc(klen + tlen + 3);
    if (!line)
        return;
    memcpy(line, kind, klen);
    line[klen] = ' ';
    /* One line per message: a newline inside the text would start another. */
    for (size_t i = 0; i < tlen; i++)
        line[klen + 1 + i] = text[i] == '\n' ? ' ' : text[i];
    line[klen + 1 + tlen] = '\n';
    size_t len = klen + tlen + 2, off = 0;
    while (off < len) {
        ssize_t n = write(FRMI_WORKER_FD, line + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    free(line);
}
