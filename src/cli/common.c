/*
 * cli/common.c - messages, formats and output checks shared by subcommands.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "util/output.h"

static void vmessage(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "frm: %s", kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("error: ", fmt, ap);
    va_end(ap);
}

void cli_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("warning: ", fmt, ap);
    va_end(ap);
}

static void remove_and_die(int sig)
{
    frmi_output_remove_temporaries();
    signal(sig, SIG_DFL);
    raise(sig);
}

void cli_remove_temporaries_on_signals(void)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = remove_and_die;
        sigemptyset(&sa.sa_mask);
        /* a signal the caller chose to ignore stays ignored */
        if (sigaction(signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(signals[i], &sa, NULL);
    }
}

/* Configurations, and models of each, shown when the whole list is not asked for. */
#define ABSENT_LINES 12
#define ABSENT_MODELS 6

void cli_report_absent(const frm_score_absent *absent, size_t n, bool all)
{
    if (n == 0)
        return;
    size_t n_configs = 0;
    for (size_t i = 0; i < n; i++)
        n_configs += i == 0 || absent[i].entry->config_index != absent[i - 1].entry->config_index;
    fprintf(stderr, "frm: note: %zu record%s in %zu configuration%s left out of the metric: they "
            "lack a component their source does not measure\n", n, n == 1 ? "" : "s", n_configs,
            n_configs == 1 ? "" : "s");
    size_t shown = 0;
    for (size_t i = 0; i < n;) {
        size_t end = i + 1;
        while (end < n && absent[end].entry->config_index == absent[i].entry->config_index)
            end++;
        if (!all && shown == ABSENT_LINES) {
            fprintf(stderr, "frm:   ... and %zu more configuration%s (--verbose lists all)\n",
                    n_configs - shown, n_configs - shown == 1 ? "" : "s");
            return;
        }
        if (absent[i].baseline) {
            fprintf(stderr, "frm:   %s: all %zu record%s (its baseline has no %s)\n",
                    absent[i].entry->config_id, end - i, end - i == 1 ? "" : "s", absent[i].field);
        } else {
            fprintf(stderr, "frm:   %s:", absent[i].entry->config_id);
            size_t last = all || end - i <= ABSENT_MODELS ? end : i + ABSENT_MODELS;
            for (size_t k = i; k < last; k++)
                fprintf(stderr, "%s %s (no %s)", k > i ? "," : "", absent[k].entry->model,
                        absent[k].field);
            if (last < end)
                fprintf(stderr, " and %zu more", end - last);
            fputc('\n', stderr);
        }
        shown++;
        i = end;
    }
}

int cli_write_file(const char *path, cli_write_fn write, void *ctx)
{
    frmi_output out;
    frm_error err;
    if (frmi_output_open(&out, path, &err) != FRM_OK) {
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    cli_remove_temporaries_on_signals();
    if (write(out.f, ctx, &err) != FRM_OK) {
        frmi_output_abort(&out);
        cli_error("%s: %s", path, err.message);
        return CLI_FAILURE;
    }
    if (frmi_output_commit(&out, &err) != FRM_OK) {
        cli_error("%s", err.message);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

void cli_report_predicted(const frm_dataset *ds)
{
    size_t n = frm_dataset_n_predicted(ds);
    if (n)
        fprintf(stderr, "frm: note: %zu record%s of 'frm predict' left out: predictions, not "
                "measurements (--include-predicted uses them)\n", n, n == 1 ? "" : "s");
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("", fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'frm help %s' for more information.\n", command);
    return CLI_USAGE;
}

int cli_bad_option(const char *command, int c, char **argv)
{
    const char *arg = argv[optind - 1];
    if (c == ':')
        return cli_usage_error(command, "option '%s' needs a value", arg);
    if (optopt && strncmp(arg, "--", 2) != 0)
        return cli_usage_error(command, "unknown option '-%c'", optopt);
    return cli_usage_error(command, "unknown option '%s'", arg);
}

bool cli_parse_format(const char *arg, unsigned allowed, cli_format *out)
{
    static const struct {
        const char *name;
        cli_format format;
    } names[] = {
        {"table", CLI_FORMAT_TABLE}, {"text", CLI_FORMAT_TABLE},
        {"json", CLI_FORMAT_JSON}, {"csv", CLI_FORMAT_CSV},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(arg, names[i].name) == 0 && (allowed & names[i].format)) {
            *out = names[i].format;
            return true;
        }
    }
    return false;
}

int cli_write_report(const frmi_buf *out)
{
    if (out->failed) {
        cli_error("out of memory while writing the report");
        return CLI_FAILURE;
    }
    fwrite(out->data, 1, out->len, stdout);
    return CLI_OK;
}

void cli_csv_field(FILE *out, const char *s)
{
    if (!s)
        return;
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

int cli_finish(int status)
{
    int failed = fflush(stdout) != 0 || ferror(stdout);
    int saved = errno;
    if (fclose(stdout) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    if (failed && saved != EPIPE) {
        cli_error("write failure on standard output: %s", strerror(saved));
        return CLI_FAILURE;
    }
    return failed ? CLI_FAILURE : status;
}

int cli_parse_int(const char *command, const char *opt, const char *arg, long long lo,
                  long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || *end || end == arg || v < lo || v > hi)
        return cli_usage_error(command, "%s '%s': expected a whole number from %lld to %lld",
                               opt, arg, lo, hi);
    *out = v;
    return CLI_OK;
}

int cli_parse_real(const char *command, const char *opt, const char *arg, double lo, double hi,
                   double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || *end || end == arg || !(v >= lo && v <= hi))
        return cli_usage_error(command, "%s '%s': expected a number from %g to %g", opt, arg, lo, hi);
    *out = v;
    return CLI_OK;
}
