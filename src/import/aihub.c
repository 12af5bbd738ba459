/*
 * import/aihub.c - Qualcomm AI Hub Models: the perf.yaml of each model.
 *
 * A checkout (or any folder in it, or single perf.yaml files) is walked
 * for qai_hub_models/models/<name>/perf.yaml; each has an info.yaml beside
 * it and, in newer releases, qai_hub_models/devices_and_chipsets.yaml
 * above.  The files are YAML, read with libyaml.  Two layouts exist and
 * are told apart by their own keys, never by a release number: the older
 * `models: [{name, performance_metrics: [{<runtime>: entry, ...,
 * reference_device_info}]}]` and the newer `precisions: <precision>:
 * components: <name>: performance_metrics: <device>: <runtime>: entry`.
 * Units follow the keys: `inference_time` is in microseconds and
 * `estimated_peak_memory_range` in bytes, `inference_time_milliseconds` in
 * milliseconds and `estimated_peak_memory_range_mb` in whole MiB.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "import/import.h"
#include "util/csv.h"

/* Where info.yaml is known to be wrong about the input size profiled (shared README). */
static const frmi_resolution measured_sizes[] = {
    {"mobile_vit", 256},           /* its model code takes 256x256 */
    {"inception_v3", 224},
};

typedef struct doc {
    yaml_document_t d;
    bool loaded;
} doc;

static frm_code load(doc *out, const char *path, const char *text, size_t len, frm_error *err)
{
    yaml_parser_t p;
    out->loaded = false;
    if (!yaml_parser_initialize(&p))
        return frmi_nomem(err);
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    frm_code rc = FRM_OK;
    if (!yaml_parser_load(&p, &out->d)) {
        rc = p.error == YAML_MEMORY_ERROR
                 ? frmi_nomem(err)
                 : frmi_fail(err, FRM_E_SYNTAX, "%s:%zu:%zu: malformed YAML: %s", path,
                             p.problem_mark.line + 1, p.problem_mark.column + 1,
                             p.problem ? p.problem : "unreadable");
    } else {
        out->loaded = true;
    }
    yaml_parser_delete(&p);
    return rc;
}

static void unload(doc *d)
{
    if (d->loaded)
        yaml_document_delete(&d->d);
    d->loaded = false;
}

static yaml_node_t *root(doc *d)
{
    return d->loaded ? yaml_document_get_root_node(&d->d) : NULL;
}

/* The value of `key` in mapping `map`, or NULL. */
static yaml_node_t *get(doc *d, yaml_node_t *map, const char *key)
{
    if (!map || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(&d->d, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strlen(key) == k->data.scalar.length &&
            memcmp(k->data.scalar.value, key, k->data.scalar.length) == 0)
            return yaml_document_get_node(&d->d, p->value);
    }
    return NULL;
}

/* A scalar's text, or NULL (the document owns it; libyaml NUL-terminates scalars). */
static const char *text_of(yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static const char *key_text(doc *d, yaml_node_pair_t *p)
{
    return text_of(yaml_document_get_node(&d->d, p->key));
}

static unsigned long line_of(yaml_node_t *n)
{
    return n ? (unsigned long)n->start_mark.line + 1 : 0;
}

/* --- one measured entry ------------------------------------------------------- */

typedef struct entry {
    yaml_node_t *node;         /* the runtime's mapping */
    const char *device, *runtime, *precision, *component;
    yaml_node_t *device_info;  /* older layout: reference_device_info */
    const char *job_id;
    bool mirrored;
    const char *mirror_of;
} entry;

typedef struct context {
    frmi_importer *im;
    const char *path;
    doc perf, info, devices;       /* devices: borrowed (see devices_doc) */
    const char *folder;        /* the model's folder name */
    const char *release;       /* the folder above qai_hub_models, for files without versions */
    char canonical[256];
    int resolution;
    entry *entries;
    size_t n, cap;
    size_t zero_memory;
    bool several_components;
} context;

static bool add_entry(context *c, entry e)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 64;
        entry *grown = realloc(c->entries, cap * sizeof *grown);
        if (!grown)
            return false;
        c->entries = grown;
        c->cap = cap;
    }
    c->entries[c->n++] = e;
    return true;
}

static const char *framework_of(const char *runtime)
{
    size_t n = strlen(runtime);
    if (strcmp(runtime, "qnn") == 0 || strncmp(runtime, "qnn_", 4) == 0 ||
        (n > 4 && strcmp(runtime + n - 4, "_qnn") == 0))
        return "qnn";
    if (strstr(runtime, "onnx"))
        return "onnxruntime";          /* onnx, torchscript_onnx, precompiled_qnn_onnx */
    if (strstr(runtime, "tflite"))
        return "tflite";
    return runtime;                    /* genie, llama_cpp_...: kept as the source names them */
}

/* A number of a scalar, false for anything else ('null' included). */
static bool number_of(yaml_node_t *n, double *out)
{
    const char *s = text_of(n);
    return s && frmi_parse_number(s, out) && isfinite(*out);
}

/* The YAML path of an entry ("float / ResNet50 / Samsung Galaxy S24 / tflite"), for messages. */
static void yaml_path(const entry *e, const char *field, char *out, size_t size)
{
    snprintf(out, size, "%s%s%s / %s / %s%s%s", e->precision ? e->precision : "",
             e->precision ? " / " : "", e->component, e->device, e->runtime, field ? " / " : "",
             field ? field : "");
}

/* The tool versions as one string ("qairt 2.42.0, tflite 2.17.0"), or NULL. */
static void tool_versions(context *c, yaml_node_t *map, char *out, size_t size)
{
    out[0] = '\0';
    if (!map || map->type != YAML_MAPPING_NODE)
        return;
    size_t k = 0;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *name = key_text(&c->perf, p);
        const char *v = text_of(yaml_document_get_node(&c->perf.d, p->value));
        if (name && v && k + 1 < size)
            k += (size_t)snprintf(out + k, size - k, "%s%s-%s", k ? "," : "", name, v);
    }
    if (k >= size)
        out[size - 1] = '\0';
}

/* "w8a16" of a folder named NAME_w8a16_quantized; empty otherwise. */
static void quant_scheme(const char *folder, char *out, size_t size)
{
    out[0] = '\0';
    for (const char *w = strstr(folder, "_w"); w; w = strstr(w + 1, "_w")) {
        const char *p = w + 2;
        while (isdigit((unsigned char)*p))
            p++;
        if (p == w + 2 || *p != 'a')
            continue;
        const char *q = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        if (p > q && strcmp(p, "_quantized") == 0) {
            snprintf(out, size, "%.*s", (int)(p - w - 1), w + 1);
            return;
        }
    }
}

static frm_code emit(context *c, const entry *e, frm_error *err)
{
    frmi_importer *im = c->im;
    const frmi_import_options *o = frmi_importer_options(im);
    char path_in_file[400], at[1400];
    yaml_node_t *n = e->node;
    frmi_import_entry(im);
    yaml_path(e, NULL, path_in_file, sizeof path_in_file);
    snprintf(at, sizeof at, "%s:%lu: %s", c->path, line_of(n), path_in_file);
    if (e->mirrored && !o->keep_mirrored) {
        frmi_import_skip_entry(im, "mirrored device (same job as another device)", at,
                               "the same job (%s) as %s: not a measurement of its own",
                               e->job_id, e->mirror_of);
        return FRM_OK;
    }
    yaml_node_t *status = get(&c->perf, n, "job_status");
    if (get(&c->perf, n, "llm_metrics") && !get(&c->perf, n, "inference_time") &&
        !get(&c->perf, n, "inference_time_milliseconds")) {
        frmi_import_skip_entry(im, "language model (token rates, no latency)", at,
                               "llm_metrics only: no inference time");
        return FRM_OK;
    }
    if (text_of(status) && strcmp(text_of(status), "Passed") != 0) {
        frmi_import_skip_entry(im, "job not passed (Skipped, Failed ...)", at, "job_status %s",
                               text_of(status));
        return FRM_OK;
    }
    bool in_us = get(&c->perf, n, "inference_time") != NULL;
    yaml_node_t *lat = get(&c->perf, n, in_us ? "inference_time" : "inference_time_milliseconds");
    const char *lat_text = text_of(lat);
    if (!lat || (lat_text && strcmp(lat_text, "null") == 0) ||
        (lat && lat->type == YAML_SCALAR_NODE && lat->data.scalar.length == 0)) {
        frmi_import_skip_entry(im, "no latency ('null')", at, "no inference time");
        return FRM_OK;
    }
    double latency;
    if (!number_of(lat, &latency) || latency <= 0) {
        yaml_path(e, in_us ? "inference_time" : "inference_time_milliseconds", path_in_file,
                  sizeof path_in_file);
        return frmi_import_bad(im, err, FRM_E_FIELD, c->path, line_of(lat), 0,
                               "%s: '%s' is not a positive latency", path_in_file,
                               lat_text ? lat_text : "(not a number)");
    }
    bool in_bytes = get(&c->perf, n, "estimated_peak_memory_range") != NULL;
    yaml_node_t *mem = get(&c->perf, n, in_bytes ? "estimated_peak_memory_range"
                                                  : "estimated_peak_memory_range_mb");
    double lo = NAN, hi = NAN;
    if (mem) {
        yaml_node_t *lo_n = get(&c->perf, mem, "min"), *hi_n = get(&c->perf, mem, "max");
        if (!number_of(lo_n, &lo) || !number_of(hi_n, &hi) || lo < 0 || hi < 0 || lo > hi) {
            yaml_path(e, in_bytes ? "estimated_peak_memory_range"
                                  : "estimated_peak_memory_range_mb", path_in_file,
                      sizeof path_in_file);
            return frmi_import_bad(im, err, FRM_E_FIELD, c->path, line_of(mem), 0,
                                   "%s: min '%s', max '%s' is not a memory range", path_in_file,
                                   text_of(lo_n) ? text_of(lo_n) : "?",
                                   text_of(hi_n) ? text_of(hi_n) : "?");
        }
        /* whole bytes, so that 33 MiB reads 34.603008, not 34.603007999999996 */
        double to_bytes = in_bytes ? 1 : 1048576;
        lo = round(lo * to_bytes) / 1e6;
        hi = round(hi * to_bytes) / 1e6;
    }

    frmi_import_row row;
    frmi_import_row_init(&row);
    frm_record *r = &row.rec;
    char model[300];
    /* a model of several parts (an encoder and a decoder) names each part */
    if (c->several_components)
        snprintf(model, sizeof model, "%s:%s", c->canonical, e->component);
    else
        snprintf(model, sizeof model, "%s", c->canonical);
    r->model = model;
    row.source_model = c->folder;
    row.resolution = c->resolution;
    r->device = e->device;
    r->tier = FRM_TIER_EDGE;
    r->framework = framework_of(e->runtime);
    r->latency_ms.median = in_us ? latency / 1000.0 : latency;
    if (hi > 0) {
        r->memory_mb.peak = hi;
        r->memory_mb.peak_lower = lo;
        r->memory_mb.source = "measured:aihub-peak-range-upper-bound";
    } else if (mem) {
        c->zero_memory++;          /* an upper bound of 0 measures nothing */
    }
    char tools[300];
    tool_versions(c, get(&c->perf, n, "tool_versions"), tools, sizeof tools);
    /* older releases keep w8a8 and w8a16 in folders of their own, both saying int8 */
    char scheme[32] = "";
    quant_scheme(c->folder, scheme, sizeof scheme);
    const char *precision = o->precision ? o->precision
                            : scheme[0] ? scheme : e->precision ? e->precision : "float";
    frmi_import_config_string(&row, "runtime", e->runtime);
    frmi_import_config_string(&row, "precision", precision);
    frmi_import_config_string(&row, "compute_unit", text_of(get(&c->perf, n, "primary_compute_unit")));
    frmi_import_config_string(&row, "component", e->component);
    frmi_import_config_string(&row, "model_folder", c->folder);
    frmi_import_config_string(&row, "tool_versions", tools[0] ? tools : NULL);
    frmi_import_config_string(&row, "job_id", e->job_id);
    frmi_import_config_string(&row, "latency_statistic", "unstated");
    if (c->resolution)
        frmi_import_config_number(&row, "input_size", c->resolution);
    /* what the files say of the device */
    yaml_node_t *info = e->device_info;
    const char *chipset = text_of(get(&c->perf, info, "chipset"));
    const char *os = text_of(get(&c->perf, info, "os_name"));
    const char *os_version = text_of(get(&c->perf, info, "os"));
    const char *form = text_of(get(&c->perf, info, "form_factor"));
    yaml_node_t *dev = get(&c->devices, get(&c->devices, root(&c->devices), "devices"), e->device);
    if (dev) {
        const char *id = text_of(get(&c->devices, dev, "chipset"));
        yaml_node_t *chip = get(&c->devices, get(&c->devices, root(&c->devices), "chipsets"), id ? id : "");
        chipset = chip && text_of(get(&c->devices, chip, "marketing_name"))
                      ? text_of(get(&c->devices, chip, "marketing_name")) : id;
        yaml_node_t *os_node = get(&c->devices, dev, "os");
        os = text_of(get(&c->devices, os_node, "ostype"));
        os_version = text_of(get(&c->devices, os_node, "version"));
        form = text_of(get(&c->devices, dev, "form_factor"));
    }
    frmi_import_config_string(&row, "chipset", chipset);
    frmi_import_config_string(&row, "os", os);
    frmi_import_config_string(&row, "os_version", os_version);
    frmi_import_config_string(&row, "form_factor", form);
    /* one device, runtime, precision and tool set; files without versions say their release */
    char release[300];
    snprintf(release, sizeof release, "release-%s", c->release);
    row.config_id_parts[row.n_parts++] = precision;
    row.config_id_parts[row.n_parts++] = e->runtime;
    row.config_id_parts[row.n_parts++] = tools[0] ? tools : release;
    frm_code rc = frmi_import_add(im, &row, c->path, line_of(n), err);
    frmi_import_row_release(&row);
    return rc;
}

/* --- the two layouts ---------------------------------------------------------- */

static bool is_entry(doc *d, yaml_node_t *n)
{
    return n && n->type == YAML_MAPPING_NODE &&
           (get(d, n, "inference_time") || get(d, n, "inference_time_milliseconds") ||
            get(d, n, "job_status") || get(d, n, "llm_metrics"));
}

/* precisions: <p>: components: <name>: performance_metrics: <device>: <runtime>: entry */
static frm_code collect_new(context *c, yaml_node_t *precisions, frm_error *err)
{
    doc *d = &c->perf;
    if (precisions->type != YAML_MAPPING_NODE)
        return frmi_fail(err, FRM_E_FIELD, "%s:%lu: 'precisions' is not a mapping", c->path,
                         line_of(precisions));
    for (yaml_node_pair_t *pp = precisions->data.mapping.pairs.start;
         pp < precisions->data.mapping.pairs.top; pp++) {
        const char *precision = key_text(d, pp);
        yaml_node_t *components = get(d, yaml_document_get_node(&d->d, pp->value), "components");
        if (!precision || !components || components->type != YAML_MAPPING_NODE)
            continue;
        for (yaml_node_pair_t *cp = components->data.mapping.pairs.start;
             cp < components->data.mapping.pairs.top; cp++) {
            const char *component = key_text(d, cp);
            yaml_node_t *metrics = get(d, yaml_document_get_node(&d->d, cp->value),
                                       "performance_metrics");
            if (!component || !metrics || metrics->type != YAML_MAPPING_NODE)
                continue;
            for (yaml_node_pair_t *dp = metrics->data.mapping.pairs.start;
                 dp < metrics->data.mapping.pairs.top; dp++) {
                const char *device = key_text(d, dp);
                yaml_node_t *runtimes = yaml_document_get_node(&d->d, dp->value);
                if (!device || !runtimes || runtimes->type != YAML_MAPPING_NODE)
                    continue;
                for (yaml_node_pair_t *rp = runtimes->data.mapping.pairs.start;
                     rp < runtimes->data.mapping.pairs.top; rp++) {
                    yaml_node_t *n = yaml_document_get_node(&d->d, rp->value);
                    if (!is_entry(d, n))
                        continue;
                    entry e = {n, device, key_text(d, rp), precision, component, NULL,
                               text_of(get(d, n, "job_id")), false, NULL};
                    if (!e.runtime || !add_entry(c, e))
                        return e.runtime ? frmi_nomem(err) : FRM_OK;
                }
            }
        }
    }
    return FRM_OK;
}

/* models: - name: N  performance_metrics: - {<runtime>: entry, reference_device_info: {...}} */
static frm_code collect_old(context *c, yaml_node_t *models, frm_error *err)
{
    doc *d = &c->perf;
    if (models->type != YAML_SEQUENCE_NODE)
        return frmi_fail(err, FRM_E_FIELD, "%s:%lu: 'models' is not a list", c->path,
                         line_of(models));
    for (yaml_node_item_t *mi = models->data.sequence.items.start;
         mi < models->data.sequence.items.top; mi++) {
        yaml_node_t *m = yaml_document_get_node(&d->d, *mi);
        const char *component = text_of(get(d, m, "name"));
        yaml_node_t *metrics = get(d, m, "performance_metrics");
        if (!component || !metrics || metrics->type != YAML_SEQUENCE_NODE)
            continue;
        for (yaml_node_item_t *pi = metrics->data.sequence.items.start;
             pi < metrics->data.sequence.items.top; pi++) {
            yaml_node_t *item = yaml_document_get_node(&d->d, *pi);
            yaml_node_t *info = get(d, item, "reference_device_info");
            const char *device = text_of(get(d, info, "name"));
            if (!item || item->type != YAML_MAPPING_NODE)
                continue;
            for (yaml_node_pair_t *rp = item->data.mapping.pairs.start;
                 rp < item->data.mapping.pairs.top; rp++) {
                yaml_node_t *n = yaml_document_get_node(&d->d, rp->value);
                if (!is_entry(d, n))
                    continue;
                if (!device)
                    return frmi_import_bad(c->im, err, FRM_E_FIELD, c->path, line_of(item), 0,
                                           "%s: a measurement without reference_device_info.name",
                                           component);
                entry e = {n, device, key_text(d, rp), text_of(get(d, n, "precision")),
                           component, info, text_of(get(d, n, "job_id")), false, NULL};
                if (!e.runtime || !add_entry(c, e))
                    return e.runtime ? frmi_nomem(err) : FRM_OK;
            }
        }
    }
    return FRM_OK;
}

/*
 * Devices that only mirror another's jobs: the same job id under several
 * devices of one component, precision and runtime.  The device that is
 * not a "(Proxy)" keeps it (the first in the file when that does not tell).
 */
static void mark_mirrors(context *c)
{
    for (size_t i = 0; i < c->n; i++) {
        entry *e = &c->entries[i];
        if (!e->job_id || e->mirrored)
            continue;
        size_t owner = i;
        for (size_t j = i + 1; j < c->n; j++) {
            entry *f = &c->entries[j];
            if (f->job_id && strcmp(f->job_id, e->job_id) == 0 &&
                strcmp(f->runtime, e->runtime) == 0 && strcmp(f->device, e->device) != 0 &&
                strstr(c->entries[owner].device, "(Proxy)") && !strstr(f->device, "(Proxy)"))
                owner = j;
        }
        for (size_t j = i; j < c->n; j++) {
            entry *f = &c->entries[j];
            if (j != owner && f->job_id && strcmp(f->job_id, e->job_id) == 0 &&
                strcmp(f->runtime, e->runtime) == 0 && strcmp(f->device, c->entries[owner].device) != 0) {
                f->mirrored = true;
                f->mirror_of = c->entries[owner].device;
            }
        }
    }
}

/* The folder's name without the quantized suffixes of older releases. */
static void base_model(const char *folder, char *out, size_t size)
{
    snprintf(out, size, "%s", folder);
    static const char *const suffixes[] = {"_quantized", "_w8a8", "_w8a16", "_w4a16", "_w4a8"};
    for (bool cut = true; cut;) {
        cut = false;
        for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
            size_t n = strlen(out), k = strlen(suffixes[i]);
            if (n > k && strcmp(out + n - k, suffixes[i]) == 0) {
                out[n - k] = '\0';
                cut = true;
            }
        }
    }
}

/* info.yaml's "Input resolution: 224x224" when square, the corrections, --resolution. */
static int resolution_of(context *c, const char *base)
{
    const frmi_import_options *o = frmi_importer_options(c->im);
    for (size_t i = 0; i < o->n_resolutions; i++)
        if (strcmp(o->resolutions[i].model, base) == 0 ||
            strcmp(o->resolutions[i].model, c->folder) == 0 ||
            strcmp(o->resolutions[i].model, c->canonical) == 0)
            return o->resolutions[i].resolution;
    for (size_t i = 0; i < sizeof measured_sizes / sizeof measured_sizes[0]; i++)
        if (strcmp(measured_sizes[i].model, base) == 0)
            return measured_sizes[i].resolution;
    const char *text = text_of(get(&c->info, get(&c->info, root(&c->info), "technical_details"),
                                   "Input resolution"));
    int h, w;
    char tail;
    if (text && sscanf(text, "%dx%d%c", &h, &w, &tail) == 2 && h == w && h > 0 && h <= 100000)
        return h;
    return 0;
}

static const char *folder_of(const char *perf_path, char *out, size_t size)
{
    const char *slash = strrchr(perf_path, '/');
    if (!slash) {
        snprintf(out, size, "unknown");
        return out;
    }
    const char *start = slash;
    while (start > perf_path && start[-1] != '/')
        start--;
    snprintf(out, size, "%.*s", (int)(slash - start), start);
    return out;
}

/* The folder above qai_hub_models in `path`, or "unknown". */
static void release_of(const char *path, char *out, size_t size)
{
    const char *q = strstr(path, "qai_hub_models/");
    if (!q || q == path) {
        snprintf(out, size, "unknown");
        return;
    }
    const char *end = q - 1, *start = end;
    while (start > path && start[-1] != '/')
        start--;
    if (end == start)
        snprintf(out, size, "unknown");
    else
        snprintf(out, size, "%.*s", (int)(end - start), start);
}

/* One perf.yaml, its info.yaml (may be NULL) and the release's parsed devices file. */
static frm_code import_one(frmi_importer *im, const char *perf_path, const char *perf,
                           size_t perf_len, const char *info, size_t info_len, const doc *devices,
                           frm_error *err)
{
    context c;
    memset(&c, 0, sizeof c);
    if (devices)
        c.devices = *devices;
    c.im = im;
    c.path = perf_path;
    char folder[256], release[256], base[256];
    c.folder = folder_of(perf_path, folder, sizeof folder);
    release_of(perf_path, release, sizeof release);
    c.release = release;
    frm_code rc = load(&c.perf, perf_path, perf, perf_len, err);
    /* info.yaml and the devices file only add detail: one that cannot be read adds none */
    frm_error ignored;
    if (rc == FRM_OK && info && load(&c.info, "info.yaml", info, info_len, &ignored) != FRM_OK)
        frmi_import_notice(im, "%s: info.yaml beside it is not readable YAML: %s", perf_path,
                           ignored.message);
    if (rc == FRM_OK) {
        base_model(folder, base, sizeof base);
        char tag[128];
        frmi_model_name(frmi_importer_options(im)->aliases, base, c.canonical, sizeof c.canonical,
                        tag, sizeof tag);
        c.resolution = resolution_of(&c, base);
        yaml_node_t *top = root(&c.perf);
        yaml_node_t *precisions = get(&c.perf, top, "precisions");
        yaml_node_t *models = get(&c.perf, top, "models");
        if (precisions)
            rc = collect_new(&c, precisions, err);
        else if (models)
            rc = collect_old(&c, models, err);
        else
            rc = frmi_fail(err, FRM_E_FIELD, "%s:%lu: an unknown perf.yaml layout: neither "
                           "'precisions' (the newer layout) nor 'models' (the older)", perf_path,
                           top ? line_of(top) : 1UL);
    }
    for (size_t i = 1; i < c.n; i++)
        c.several_components = c.several_components ||
                               strcmp(c.entries[i].component, c.entries[0].component) != 0;
    if (rc == FRM_OK)
        mark_mirrors(&c);
    for (size_t i = 0; rc == FRM_OK && i < c.n; i++)
        rc = emit(&c, &c.entries[i], err);
    for (size_t i = 0; rc == FRM_OK && i < c.zero_memory; i++)
        frmi_import_tally(im, "kept without memory: a peak range of 0 is no measurement");
    free(c.entries);
    unload(&c.perf);
    unload(&c.info);
    return rc;
}

/* A devices_and_chipsets.yaml, parsed; one that cannot be read adds no detail. */
static void load_devices(frmi_importer *im, const char *path, const char *text, size_t len,
                         doc *out)
{
    frm_error why;
    out->loaded = false;
    if (text && load(out, path, text, len, &why) != FRM_OK)
        frmi_import_notice(im, "%s is not readable YAML (%s): devices without chipset and OS",
                           path, why.message);
}

frm_code frmi_import_aihub_text(frmi_importer *im, const char *perf_path, const char *perf,
                                size_t perf_len, const char *info, size_t info_len,
                                const char *devices, size_t devices_len, frm_error *err)
{
    doc d;
    load_devices(im, "devices_and_chipsets.yaml", devices, devices_len, &d);
    frm_code rc = import_one(im, perf_path, perf, perf_len, info, info_len, &d, err);
    unload(&d);
    return rc;
}

/* --- walking a checkout ------------------------------------------------------- */

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* qai_hub_models/devices_and_chipsets.yaml above the model's folder, or NULL. */
static char *devices_file(const char *perf_path)
{
    char *dir = strdup(perf_path);
    if (!dir)
        return NULL;
    for (int up = 0; up < 4; up++) {
        char *slash = strrchr(dir, '/');
        if (!slash)
            break;
        *slash = '\0';
        char *candidate = join(*dir ? dir : "/", "devices_and_chipsets.yaml");
        struct stat st;
        if (candidate && stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
            free(dir);
            return candidate;
        }
        free(candidate);
    }
    free(dir);
    return NULL;
}

/* The release's devices file, parsed once for all the models under it. */
typedef struct devices_cache {
    char *path;                /* NULL: none loaded */
    doc d;
} devices_cache;

static void release_cache(devices_cache *cache)
{
    free(cache->path);
    unload(&cache->d);
    cache->path = NULL;
}

static const doc *devices_for(frmi_importer *im, const char *perf_path, devices_cache *cache)
{
    char *path = devices_file(perf_path);
    if (!path)
        return NULL;
    if (cache->path && strcmp(cache->path, path) == 0) {
        free(path);
        return &cache->d;
    }
    release_cache(cache);
    char *text = NULL;
    size_t len = 0;
    frm_error why;
    if (frmi_read_file(path, &text, &len, &why) == FRM_OK)
        load_devices(im, path, text, len, &cache->d);
    free(text);
    cache->path = path;
    return &cache->d;
}

static frm_code import_perf(frmi_importer *im, const char *perf_path, devices_cache *cache,
                            frm_error *err)
{
    char *perf = NULL, *info = NULL;
    size_t perf_len = 0, info_len = 0;
    frm_code rc = frmi_read_file(perf_path, &perf, &perf_len, err);
    if (rc != FRM_OK)
        return rc;
    char *info_path = strdup(perf_path);
    char *slash = info_path ? strrchr(info_path, '/') : NULL;
    char *info_file = NULL;
    if (info_path) {
        if (slash)
            *slash = '\0';
        info_file = join(slash ? info_path : ".", "info.yaml");
    }
    frm_error ignored;
    struct stat st;
    if (info_file && stat(info_file, &st) == 0)
        frmi_read_file(info_file, &info, &info_len, &ignored);
    rc = import_one(im, perf_path, perf, perf_len, info, info_len,
                    devices_for(im, perf_path, cache), err);
    free(info_file);
    free(info_path);
    free(info);
    free(perf);
    return rc;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every perf.yaml under `dir`, in name order; links to folders are not followed. */
static frm_code walk(frmi_importer *im, const char *dir, int depth, size_t *found,
                     devices_cache *cache, frm_error *err)
{
    if (depth > 16)
        return FRM_OK;
    DIR *d = opendir(dir);
    if (!d)
        return frmi_fail(err, FRM_E_IO, "cannot read folder '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    frm_code rc = FRM_OK;
    for (struct dirent *de; rc == FRM_OK && (de = readdir(d));) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *grown);
            if (!grown) {
                rc = frmi_nomem(err);
                break;
            }
            names = grown;
        }
        if (!(names[n] = strdup(de->d_name)))
            rc = frmi_nomem(err);
        else
            n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; rc == FRM_OK && i < n; i++) {
        char *path = join(dir, names[i]);
        struct stat st;
        if (!path)
            rc = frmi_nomem(err);
        else if (lstat(path, &st) != 0)
            ;                      /* gone while walking */
        else if (S_ISDIR(st.st_mode))
            rc = walk(im, path, depth + 1, found, cache, err);
        else if (S_ISREG(st.st_mode) && strcmp(names[i], "perf.yaml") == 0) {
            (*found)++;
            rc = import_perf(im, path, cache, err);
        }
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

frm_code frmi_import_aihub(frmi_importer *im, const char *path, frm_error *err)
{
    struct stat st;
    if (strcmp(path, "-") == 0)
        return frmi_fail(err, FRM_E_ARGUMENT, "aihub reads a checkout or perf.yaml files, not "
                         "standard input (their info.yaml and devices file sit beside them)");
    if (stat(path, &st) != 0)
        return frmi_fail(err, FRM_E_IO, "cannot read '%s': %s", path, strerror(errno));
    devices_cache cache = {NULL, {.loaded = false}};
    frm_code rc;
    size_t found = 0;
    if (!S_ISDIR(st.st_mode)) {
        rc = import_perf(im, path, &cache, err);
        release_cache(&cache);
        return rc;
    }
    rc = walk(im, path, 0, &found, &cache, err);
    release_cache(&cache);
    if (rc == FRM_OK && found == 0)
        rc = frmi_fail(err, FRM_E_FIELD, "%s: no perf.yaml under it (expected a checkout of "
                       "ai-hub-models, or qai_hub_models/models/<name>/perf.yaml)", path);
    return rc;
}
