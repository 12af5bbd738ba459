/*
 * bench/record.c - one benchmark outcome as one durable record line.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/host_json.h"
#include "frm/bench.h"
#include "frm/version.h"
#include "util/error.h"
#include "util/jsonw.h"

/* The precision a configuration runs at, from its first input's type. */
static const char *precision_of(int elem_type)
{
    switch (elem_type) {
    case 10: return "fp16";
    case 16: return "bf16";
    case 11: return "fp64";
    case 2:
    case 3: return "int8";
    default: return "fp32";
    }
}

static void put_shape(frmi_jsonw *w, const char *name, const int64_t *dims, size_t rank)
{
    frmi_jsonw_key(w, name);
    frmi_jsonw_array(w);
    for (size_t d = 0; d < rank; d++)
        frmi_jsonw_number(w, (double)dims[d]);
    frmi_jsonw_end(w);
}

/* config: the settings that define the configuration, keys sorted. */
static void write_config(frmi_buf *b, const frm_bench_outcome *o, const char *provider, int threads,
                         const char *precision)
{
    frmi_jsonw w;
    frmi_jsonw_init(&w, b, false);
    frmi_jsonw_object(&w);
    frmi_jsonw_key(&w, "batch");
    frmi_jsonw_number(&w, (double)o->opt->batch);
    frmi_jsonw_key(&w, "execution_provider");
    frmi_jsonw_string(&w, provider);
    frmi_jsonw_key(&w, "graph_optimization");
    frmi_jsonw_string(&w, frm_graph_opt_name(o->opt->graph_opt));
    frmi_jsonw_key(&w, "inputs");
    frmi_jsonw_object(&w);
    if (o->m) {
        for (size_t i = 0; i < o->m->n_inputs; i++)
            put_shape(&w, o->m->inputs[i].name, o->m->inputs[i].dims, o->m->inputs[i].rank);
    } else if (o->profile) {
        for (size_t i = 0; i < o->profile->n_inputs; i++) {
            const frm_tensor_shape *t = &o->profile->inputs[i];
            put_shape(&w, t->name, t->dims, t->rank > 0 ? (size_t)t->rank : 0);
        }
    }
    frmi_jsonw_end(&w);
    frmi_jsonw_key(&w, "precision");
    frmi_jsonw_string(&w, precision);
    frmi_jsonw_key(&w, "threads");
    frmi_jsonw_number(&w, threads);
    frmi_jsonw_end(&w);
}

static void write_host(frmi_buf *b, const frm_host *h)
{
    frmi_jsonw w;
    frmi_jsonw_init(&w, b, false);
    frmi_host_write_json(&w, h);
}

/* The profile counted a whole call; records carry MACs and FLOPs per
 * sample (at batch 1, as docs/zoo.md counts them), memory per call. */
static void fill_counts(frm_record *rec, const frm_profile *p, int64_t batch)
{
    rec->macs = (double)p->macs / (double)batch;
    rec->flops = (double)p->flops / (double)batch;
    rec->params = (double)p->params;
    rec->weights_bytes = (double)p->weights_bytes;
    rec->activations_peak_bytes = (double)p->activations_peak_bytes;
    rec->memory_mb.weights = (double)p->weights_bytes / 1e6;
    rec->memory_mb.activations_peak = (double)p->activations_peak_bytes / 1e6;
}

static void fill_measurement(frm_record *rec, const frm_measurement *m, const frm_bench_options *opt)
{
    rec->latency_ms = m->latency_ms;
    rec->latency_ms.stop = frm_stop_name(m->stop);
    if (opt->target_ci > 0.0)
        rec->latency_ms.target_ci = opt->target_ci;
    rec->memory_mb.peak = m->peak;
    rec->memory_mb.rss_peak_delta = m->peak;
    rec->memory_mb.rss_after_load = m->rss_after_load;
    rec->memory_mb.source = "measured";
    rec->energy_mj = m->energy_mj;
    if (!isnan(m->energy_mj))
        rec->energy_source = m->energy_source;
}

/* Durable: a record the caller was told is written survives a crash. */
static frm_code sync_file(FILE *out, frm_error *err)
{
    struct stat st;
    int fd = fileno(out);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return FRM_OK;
    if (fsync(fd) != 0)
        return frmi_fail(err, FRM_E_IO, "cannot sync the record file: %s", strerror(errno));
    return FRM_OK;
}

frm_code frm_bench_record_append(FILE *out, const frm_bench_outcome *o, frm_error *err)
{
    if (!out || !o || !o->model || !o->opt || !o->device || !o->host || (!o->m && !o->error))
        return frmi_fail(err, FRM_E_ARGUMENT, "frm_bench_record_append: incomplete outcome");
    const frm_measurement *m = o->m;
    const char *provider = m ? m->provider : (o->opt->provider ? o->opt->provider : "cpu");
    int threads = m ? m->threads : frm_threads_resolved(o->opt->threads);
    int elem = m && m->n_inputs ? m->inputs[0].elem_type
               : o->profile && o->profile->n_inputs ? o->profile->inputs[0].elem_type : 1;
    const char *precision = precision_of(elem);
    const char *version = m ? m->framework_version : o->framework_version;
    char config_id[512];
    frm_config_desc desc = {o->device, "onnxruntime", version ? version : "unknown", provider, threads,
                            frm_graph_opt_name(o->opt->graph_opt), precision, o->opt->batch};
    frm_code rc = frm_config_id(&desc, config_id, sizeof config_id, err);
    if (rc != FRM_OK)
        return rc;

    frmi_buf config, host;
    frmi_buf_init(&config);
    frmi_buf_init(&host);
    write_config(&config, o, provider, threads, precision);
    write_host(&host, o->host);

    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);

    frm_record rec;
    frm_record_init(&rec);
    rec.ok = m != NULL;
    rec.error = o->error;
    rec.model = o->model;
    rec.model_sha256 = o->model_sha256;
    rec.device = o->device;
    rec.tier = o->tier != FRM_TIER_UNKNOWN ? o->tier
               : strcmp(provider, "cuda") == 0 ? FRM_TIER_GPU : FRM_TIER_CPU;
    rec.framework = "onnxruntime";
    rec.framework_version = version;
    rec.config_json = config.data;
    rec.config_id = config_id;
    rec.batch = (double)o->opt->batch;
    if (o->profile)
        fill_counts(&rec, o->profile, o->opt->batch);
    if (m)
        fill_measurement(&rec, m, o->opt);
    rec.accuracy_top1 = o->accuracy_top1;
    rec.host_json = host.data;
    rec.source = "frm-bench";
    rec.frm_version = frm_version();
    rec.timestamp = stamp;

    if (config.failed || host.failed)
        rc = frmi_nomem(err);
    else
        rc = frm_record_append(out, &rec, err);
    if (rc == FRM_OK)
        rc = sync_file(out, err);
    frmi_buf_release(&config);
    frmi_buf_release(&host);
    return rc;
}
