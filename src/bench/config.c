/*
 * bench/config.c - names of configurations: option values, device slugs
 * and the canonical config_id.
 *
 * config_id is what groups records for normalisation (docs/record-format.md), so two runs
 * of the same setup on the same machine must produce the same text, and
 * any difference that changes speed (threads, optimisation level,
 * precision, batch, runtime version) must change it.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "frm/bench.h"
#include "util/error.h"

static const char *const graph_opt_names[] = {"disable", "basic", "extended", "all"};
static const char *const stop_names[] = {"runs", "target-ci", "max-runs", "max-time"};

const char *frm_graph_opt_name(frm_graph_opt level)
{
    return (unsigned)level <= FRM_GRAPH_OPT_ALL ? graph_opt_names[level] : "unknown";
}

frm_code frm_graph_opt_parse(const char *name, frm_graph_opt *out, frm_error *err)
{
    for (int i = 0; i <= FRM_GRAPH_OPT_ALL; i++)
        if (name && strcmp(name, graph_opt_names[i]) == 0) {
            *out = (frm_graph_opt)i;
            return FRM_OK;
        }
    return frmi_fail(err, FRM_E_ARGUMENT,
                     "unknown graph optimisation level '%s' (expected disable, basic, extended or all)",
                     name ? name : "");
}

int frm_threads_resolved(int requested)
{
    if (requested > 0)
        return requested;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores > 0 ? (int)cores : 1;
}

const char *frm_stop_name(frm_stop stop)
{
    return (unsigned)stop <= FRM_STOP_MAX_TIME ? stop_names[stop] : "unknown";
}

/* Words that name no device: marketing marks and filler. */
static int is_noise(const char *word, size_t n)
{
    static const char *const noise[] = {"r", "tm", "c", "cpu", "processor"};
    for (size_t i = 0; i < sizeof noise / sizeof noise[0]; i++)
        if (strlen(noise[i]) == n && strncasecmp(word, noise[i], n) == 0)
            return 1;
    return 0;
}

void frm_device_slug(const char *name, char *out, size_t size)
{
    if (size == 0)
        return;
    size_t len = 0;
    const char *p = name ? name : "";
    while (*p) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *word = p;
        while (isalnum((unsigned char)*p))
            p++;
        size_t n = (size_t)(p - word);
        if (n == 0)
            break;
        /* "... with Radeon Graphics": what follows "with" is an add-on. */
        if (n == 4 && strncasecmp(word, "with", 4) == 0)
            break;
        if (is_noise(word, n))
            continue;
        if (len > 0 && len + 1 < size)
            out[len++] = '-';
        for (size_t i = 0; i < n && len + 1 < size; i++)
            out[len++] = (char)tolower((unsigned char)word[i]);
    }
    while (len > 0 && out[len - 1] == '-')
        len--;
    out[len] = '\0';
    if (len == 0)
        snprintf(out, size, "unknown");
}

frm_code frm_config_id(const frm_config_desc *d, char *out, size_t size, frm_error *err)
{
    const char *missing = !d->device || !*d->device                       ? "device"
                          : !d->framework || !*d->framework                 ? "framework"
                          : !d->framework_version || !*d->framework_version ? "framework version"
                          : !d->provider || !*d->provider                   ? "provider"
                          : !d->graph_opt || !*d->graph_opt                 ? "graph optimisation level"
                          : !d->precision || !*d->precision                 ? "precision"
                          : d->threads < 1                                  ? "threads"
                          : d->batch < 1                                    ? "batch"
                                                                            : NULL;
    if (missing)
        return frmi_fail(err, FRM_E_ARGUMENT, "config_id: the %s is missing", missing);
    int n = snprintf(out, size, "%s/%s-%s/%s/threads-%d/opt-%s/%s/batch-%lld", d->device,
                     d->framework, d->framework_version, d->provider, d->threads, d->graph_opt,
                     d->precision, (long long)d->batch);
    if (n < 0 || (size_t)n >= size)
        return frmi_fail(err, FRM_E_ARGUMENT, "config_id is longer than %zu bytes", size - 1);
    return FRM_OK;
}
