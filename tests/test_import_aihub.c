/*
 * tests/test_import_aihub.c - frm import aihub: Qualcomm AI Hub Models'
 * perf.yaml files, on hand-written checkouts of both layouts and on the
 * three releases in shared/data when they are there.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import/import.h"
#include "testutil_import.h"

/* Writes `content` at tu_tmpdir()/relpath, making the folders on the way. */
static const char *put(const char *relpath, const char *content)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", tu_tmpdir(), relpath);
    for (char *p = dir + strlen(tu_tmpdir()) + 1; (p = strchr(p, '/')); p++) {
        *p = '\0';
        mkdir(dir, 0755);
        *p = '/';
    }
    return tu_write(relpath, content);
}

/* The older layout: microseconds and bytes, one list item per device. */
static const char old_perf[] =
    "models:\n"
    "- name: MobileNet-v2\n"
    "  performance_metrics:\n"
    "  - torchscript_onnx_qnn:\n"           /* a proxy first: the phone below keeps the job */
    "      inference_time: 1752.0\n"
    "      estimated_peak_memory_range:\n"
    "        min: 172032\n"
    "        max: 10445928\n"
    "      primary_compute_unit: NPU\n"
    "      precision: fp16\n"
    "      job_id: jshared\n"
    "      job_status: Passed\n"
    "    reference_device_info:\n"
    "      name: QCS8550 (Proxy)\n"
    "      chipset: QCS8550 Proxy\n"
    "  - torchscript_onnx_qnn:\n"
    "      inference_time: 1752.0\n"
    "      estimated_peak_memory_range:\n"
    "        min: 172032\n"
    "        max: 10445928\n"
    "      primary_compute_unit: NPU\n"
    "      precision: fp16\n"
    "      job_id: jshared\n"
    "      job_status: Passed\n"
    "    tflite:\n"
    "      inference_time: 'null'\n"
    "      job_id: jnull\n"
    "    torchscript_onnx:\n"
    "      inference_time: 36701.0\n"
    "      estimated_peak_memory_range:\n"
    "        min: 0\n"
    "        max: 0\n"
    "      primary_compute_unit: CPU\n"
    "      precision: fp32\n"
    "      job_id: jzero\n"
    "      job_status: Passed\n"
    "    reference_device_info:\n"
    "      name: Samsung Galaxy S23\n"
    "      os: '13'\n"
    "      form_factor: Phone\n"
    "      os_name: Android\n"
    "      chipset: Snapdragon 8 Gen 2\n"
    "    timestamp: '2024-11-09T23:50:45Z'\n";

/* A quantized folder of the older layout: the folder tells w8a16 from w8a8. */
static const char old_quantized_perf[] =
    "models:\n"
    "- name: MobileNet-v2-W8A16\n"
    "  performance_metrics:\n"
    "  - tflite:\n"
    "      inference_time: 812.5\n"
    "      estimated_peak_memory_range: {min: 12288, max: 2097152}\n"
    "      primary_compute_unit: NPU\n"
    "      precision: int8\n"
    "      job_id: jq\n"
    "      job_status: Passed\n"
    "    reference_device_info: {name: Samsung Galaxy S23}\n";

/* The newer layout: milliseconds and whole MiB under precisions and components. */
static const char new_perf[] =
    "supported_devices:\n"
    "- Samsung Galaxy S24\n"
    "precisions:\n"
    "  float:\n"
    "    components:\n"
    "      ResNet50:\n"
    "        performance_metrics:\n"
    "          Samsung Galaxy S24:\n"
    "            tflite:\n"
    "              job_id: jt\n"
    "              job_status: Passed\n"
    "              inference_time_milliseconds: 3.343\n"
    "              estimated_peak_memory_range_mb:\n"
    "                min: 0\n"
    "                max: 52\n"
    "              primary_compute_unit: NPU\n"
    "              tool_versions:\n"
    "                qairt: 2.42.0\n"
    "                tflite: 2.17.0\n"
    "            qnn_dlc:\n"
    "              job_id: jfail\n"
    "              job_status: Failed\n"
    "          Snapdragon X Elite CRD:\n"
    "            onnx:\n"
    "              job_id: jo\n"
    "              job_status: Passed\n"
    "              inference_time_milliseconds: 2.5\n"
    "              estimated_peak_memory_range_mb: {min: 33, max: 40}\n"
    "              primary_compute_unit: NPU\n"
    "              tool_versions: {qairt: 2.37.1, onnx_runtime: 1.23.0}\n"
    "  w8a8:\n"
    "    components:\n"
    "      ResNet50:\n"
    "        performance_metrics:\n"
    "          Samsung Galaxy S24:\n"
    "            qnn_dlc:\n"
    "              job_id: jw\n"
    "              job_status: Passed\n"
    "              inference_time_milliseconds: 0.75\n"
    "              estimated_peak_memory_range_mb: {min: 1, max: 3}\n"
    "              primary_compute_unit: NPU\n"
    "              tool_versions: {qairt: 2.42.0}\n";

static const char new_devices[] =
    "devices:\n"
    "  Samsung Galaxy S24:\n"
    "    chipset: qualcomm-snapdragon-8gen3\n"
    "    os: {ostype: Android, version: '14'}\n"
    "    form_factor: Phone\n"
    "chipsets:\n"
    "  qualcomm-snapdragon-8gen3:\n"
    "    marketing_name: Snapdragon 8 Gen 3 Mobile\n";

static const char llm_perf[] =
    "precisions:\n"
    "  w4a16:\n"
    "    components:\n"
    "      Llama:\n"
    "        performance_metrics:\n"
    "          Samsung Galaxy S24:\n"
    "            genie:\n"
    "              job_status: Passed\n"
    "              llm_metrics: {tokens_per_second: 12.5}\n";

static const frm_record *find(const tu_import *r, const char *model, const char *config_part)
{
    for (size_t i = 0; i < frmi_importer_count(r->im); i++) {
        const frm_record *rec = frmi_importer_record(r->im, i);
        if (strcmp(rec->model, model) == 0 && strstr(rec->config_id, config_part))
            return rec;
    }
    fail_msg("no record of '%s' in a configuration with '%s'", model, config_part);
    return NULL;
}

static size_t reason_count(const tu_import *r, const char *reason)
{
    for (size_t i = 0; i < frmi_importer_n_reasons(r->im); i++) {
        size_t n;
        if (strstr(frmi_importer_reason(r->im, i, &n), reason))
            return n;
    }
    return 0;
}

static const char *old_checkout(void)
{
    put("old/rel-7/qai_hub_models/models/mobilenet_v2/perf.yaml", old_perf);
    put("old/rel-7/qai_hub_models/models/mobilenet_v2/info.yaml",
        "name: MobileNet-v2\ntechnical_details:\n  Input resolution: 224x224\n");
    put("old/rel-7/qai_hub_models/models/mobilenet_v2_w8a16_quantized/perf.yaml",
        old_quantized_perf);
    static char path[1100];
    snprintf(path, sizeof path, "%s/old", tu_tmpdir());
    return path;
}

static void older_layout(void **state)
{
    (void)state;
    tu_import r;
    tu_import_init(&r);
    r.opts.macs = 3e8;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, old_checkout(), NULL), FRM_OK);
    /* five entries: the proxy's mirror and the 'null' latency are named skips */
    assert_int_equal(frmi_importer_n_entries(r.im), 5);
    assert_int_equal(frmi_importer_count(r.im), 3);
    assert_int_equal(reason_count(&r, "mirrored device"), 1);
    assert_int_equal(reason_count(&r, "no latency"), 1);
    assert_int_equal(reason_count(&r, "kept without memory"), 1);

    /* microseconds to milliseconds; bytes to MB (10445928 B = 10.445928 MB) */
    const frm_record *rec = find(&r, "mobilenetv2_100", "/torchscript_onnx_qnn/");
    assert_string_equal(rec->device, "Samsung Galaxy S23");
    assert_int_equal(rec->tier, FRM_TIER_EDGE);
    assert_string_equal(rec->framework, "qnn");
    assert_same(rec->latency_ms.median, 1.752);
    assert_same(rec->memory_mb.peak, 10.445928);
    assert_same(rec->memory_mb.peak_lower, 0.172032);
    assert_string_equal(rec->memory_mb.source, "measured:aihub-peak-range-upper-bound");
    /* the record says what the source called it and what the source did not say */
    assert_contains(rec->config_json, "\"source_model\":\"mobilenet_v2\"");
    assert_contains(rec->config_json, "\"latency_statistic\":\"unstated\"");
    assert_contains(rec->config_json, "\"precision\":\"fp16\"");
    assert_contains(rec->config_json, "\"compute_unit\":\"NPU\"");
    assert_contains(rec->config_json, "\"chipset\":\"Snapdragon 8 Gen 2\"");
    assert_contains(rec->config_json, "\"os\":\"Android\"");
    assert_contains(rec->config_json, "\"input_size\":224");
    assert_contains(rec->config_json, "\"job_id\":\"jshared\"");
    /* no tool versions in the file: the release folder keeps releases apart */
    assert_contains(rec->config_id, "release-rel-7");

    /* an upper bound of 0 is no measurement: a record without memory */
    rec = find(&r, "mobilenetv2_100", "/torchscript_onnx/");
    assert_string_equal(rec->framework, "onnxruntime");
    assert_same(rec->latency_ms.median, 36.701);
    assert_true(isnan(rec->memory_mb.peak));

    /* the quantized folder: same architecture, precision from the folder's scheme */
    rec = find(&r, "mobilenetv2_100", "/w8a16/");
    assert_string_equal(rec->framework, "tflite");
    assert_same(rec->latency_ms.median, 0.8125);
    assert_same(rec->memory_mb.peak, 2.097152);
    assert_contains(rec->config_json, "\"model_folder\":\"mobilenet_v2_w8a16_quantized\"");
    tu_import_free(&r);

    /* --keep-mirrored: the proxy's copy becomes a record too */
    tu_import_init(&r);
    r.opts.macs = 3e8;
    r.opts.keep_mirrored = true;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, old_checkout(), NULL), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 4);
    assert_string_equal(find(&r, "mobilenetv2_100", "QCS8550 (Proxy)/")->device,
                        "QCS8550 (Proxy)");
    tu_import_free(&r);
}

static void newer_layout(void **state)
{
    (void)state;
    put("new/qai_hub_models/devices_and_chipsets.yaml", new_devices);
    const char *perf = put("new/qai_hub_models/models/resnet50/perf.yaml", new_perf);
    put("new/qai_hub_models/models/resnet50/info.yaml",
        "technical_details:\n  Input resolution: 224x224\n");
    put("new/qai_hub_models/models/llama/perf.yaml", llm_perf);
    char root[1100];
    snprintf(root, sizeof root, "%s/new", tu_tmpdir());

    tu_import r;
    tu_import_init(&r);
    r.opts.macs = 4e9;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, root, NULL), FRM_OK);
    assert_int_equal(frmi_importer_n_entries(r.im), 5);
    assert_int_equal(frmi_importer_count(r.im), 3);
    assert_int_equal(reason_count(&r, "job not passed"), 1);
    assert_int_equal(reason_count(&r, "language model"), 1);

    /* milliseconds as they are; whole MiB to MB (52 MiB = 54.525952 MB) */
    const frm_record *rec = find(&r, "resnet50", "Samsung Galaxy S24/tflite/float/tflite/");
    assert_same(rec->latency_ms.median, 3.343);
    assert_same(rec->memory_mb.peak, 54.525952);
    assert_same(rec->memory_mb.peak_lower, 0.0);
    assert_string_equal(rec->framework, "tflite");
    /* one device, precision, runtime and tool set per configuration */
    assert_contains(rec->config_id, "qairt-2.42.0,tflite-2.17.0");
    /* the device's chipset and OS from devices_and_chipsets.yaml */
    assert_contains(rec->config_json, "\"chipset\":\"Snapdragon 8 Gen 3 Mobile\"");
    assert_contains(rec->config_json, "\"os_version\":\"14\"");
    assert_contains(rec->config_json, "\"form_factor\":\"Phone\"");

    rec = find(&r, "resnet50", "Snapdragon X Elite CRD/");
    assert_string_equal(rec->framework, "onnxruntime");
    assert_same(rec->memory_mb.peak, 41.94304);
    assert_same(rec->memory_mb.peak_lower, 34.603008);

    /* a precision key of the newer layout */
    rec = find(&r, "resnet50", "/w8a8/qnn_dlc/");
    assert_same(rec->latency_ms.median, 0.75);
    assert_contains(rec->config_json, "\"precision\":\"w8a8\"");
    tu_import_free(&r);

    /* one perf.yaml named directly: its devices file is still found above it */
    tu_import_init(&r);
    r.opts.macs = 4e9;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, perf, NULL), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 3);
    assert_contains(find(&r, "resnet50", "/float/tflite/")->config_json, "8 Gen 3 Mobile");
    tu_import_free(&r);
}

/* info.yaml's resolution, the known corrections, and --resolution over both. */
static void resolutions(void **state)
{
    (void)state;
    static const char perf[] =
        "models:\n- name: X\n  performance_metrics:\n  - tflite:\n"
        "      inference_time: 2000\n      job_status: Passed\n"
        "    reference_device_info: {name: Samsung Galaxy S23}\n";
    put("res/qai_hub_models/models/mobile_vit/perf.yaml", perf);
    put("res/qai_hub_models/models/mobile_vit/info.yaml",
        "technical_details:\n  Input resolution: 224x224\n");
    put("res/qai_hub_models/models/efficientnet_b4/perf.yaml", perf);
    put("res/qai_hub_models/models/efficientnet_b4/info.yaml",
        "technical_details:\n  Input resolution: 380x380\n");
    put("res/qai_hub_models/models/yolo/perf.yaml", perf);
    put("res/qai_hub_models/models/yolo/info.yaml",
        "technical_details:\n  Input resolution: 640x480\n");
    char root[1100];
    snprintf(root, sizeof root, "%s/res", tu_tmpdir());

    tu_import r;
    tu_import_init(&r);
    r.opts.macs = 1e9;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, root, NULL), FRM_OK);
    /* mobile_vit's model code takes 256x256 whatever info.yaml says */
    assert_contains(find(&r, "mobilevit_s", "/")->config_json, "\"input_size\":256");
    assert_contains(find(&r, "efficientnet_b4", "/")->config_json, "\"input_size\":380");
    /* not square: no single input size to record */
    assert_null(strstr(find(&r, "yolo", "/")->config_json, "input_size"));
    tu_import_free(&r);

    const frmi_resolution over[] = {{"efficientnet_b4", 320}, {"mobile_vit", 288}};
    tu_import_init(&r);
    r.opts.macs = 1e9;
    r.opts.resolutions = over;
    r.opts.n_resolutions = 2;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, root, NULL), FRM_OK);
    assert_contains(find(&r, "efficientnet_b4", "/")->config_json, "\"input_size\":320");
    assert_contains(find(&r, "mobilevit_s", "/")->config_json, "\"input_size\":288");
    tu_import_free(&r);
}

/* Each bad input: a clear message at file:line, an error, no records; --skip-bad keeps the rest. */
static void bad_input(void **state)
{
    (void)state;
    tu_import r;
    const char *path;

    path = put("bad/qai_hub_models/models/m1/perf.yaml", "models:\n- name: [unclosed\n");
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, path, NULL), FRM_E_SYNTAX);
    assert_contains(r.err.message, "m1/perf.yaml:3:1: malformed YAML");
    tu_import_free(&r);

    path = put("bad/qai_hub_models/models/m2/perf.yaml", "aggregated: {}\nscores: []\n");
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, path, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "m2/perf.yaml:1: an unknown perf.yaml layout");
    tu_import_free(&r);

    static const char two_entries[] =
        "models:\n- name: M\n  performance_metrics:\n  - tflite:\n"
        "      inference_time: %s\n      job_status: Passed\n"
        "      estimated_peak_memory_range: {min: %s, max: 4096}\n"
        "    qnn:\n      inference_time: 500\n      job_status: Passed\n"
        "    reference_device_info: {name: Samsung Galaxy S23}\n";
    char text[1024];
    snprintf(text, sizeof text, two_entries, "fast", "0");
    path = put("bad/qai_hub_models/models/m3/perf.yaml", text);
    tu_import_init(&r);
    r.opts.macs = 1e9;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, path, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "m3/perf.yaml:5: M / Samsung Galaxy S23 / tflite / "
                                   "inference_time: 'fast' is not a positive latency");
    assert_int_equal(frmi_importer_count(r.im), 0);
    tu_import_free(&r);

    snprintf(text, sizeof text, two_entries, "1000", "-5");
    path = put("bad/qai_hub_models/models/m4/perf.yaml", text);
    tu_import_init(&r);
    r.opts.macs = 1e9;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, path, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "m4/perf.yaml:7: M / Samsung Galaxy S23 / tflite / "
                                   "estimated_peak_memory_range: min '-5', max '4096' is not a "
                                   "memory range");
    tu_import_free(&r);

    /* --skip-bad: the bad entry counted and named, the good one kept */
    tu_import_init(&r);
    r.opts.macs = 1e9;
    r.opts.skip_bad = true;
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, path, NULL), FRM_OK);
    assert_int_equal(frmi_importer_count(r.im), 1);
    assert_int_equal(frmi_importer_n_skipped(r.im), 1);
    assert_int_equal(frmi_importer_n_entries(r.im), 2);
    assert_same(frmi_importer_record(r.im, 0)->latency_ms.median, 0.5);
    tu_import_free(&r);

    /* a folder with nothing to read, and standard input */
    char empty[1100];
    snprintf(empty, sizeof empty, "%s/empty", tu_tmpdir());
    assert_int_equal(mkdir(empty, 0755), 0);
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, empty, NULL), FRM_E_FIELD);
    assert_contains(r.err.message, "no perf.yaml under it");
    tu_import_free(&r);
    tu_import_init(&r);
    assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, "-", NULL), FRM_E_ARGUMENT);
    tu_import_free(&r);
}

/* The real releases: every entry a record or a named skip, counts per release. */
static void shared_releases(void **state)
{
    (void)state;
    const char *dir = getenv("FRM_SHARED_DATA");
    static const struct {
        const char *release;
        size_t min_entries;
    } releases[] = {{"v0.46.1", 1000}, {"v0.28.0", 500}, {"v0.18.0", 500}};
    for (size_t i = 0; i < 3; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/aihub/%s", dir ? dir : FRM_SOURCE_DIR "/../shared/data",
                 releases[i].release);
        struct stat st;
        if (stat(path, &st) != 0)
            skip();
        tu_import r;
        tu_import_init(&r);
        assert_int_equal(tu_import_files(&r, FRMI_IMPORT_AIHUB, path, NULL), FRM_OK);
        size_t skipped = 0;
        for (size_t k = 0; k < frmi_importer_n_reasons(r.im); k++) {
            size_t n;
            const char *reason = frmi_importer_reason(r.im, k, &n);
            if (!strstr(reason, "kept without memory"))
                skipped += n;
        }
        assert_true(frmi_importer_n_entries(r.im) >= releases[i].min_entries);
        assert_int_equal(frmi_importer_count(r.im) + skipped, frmi_importer_n_entries(r.im));
        for (size_t k = 0; k < frmi_importer_count(r.im); k++) {
            const frm_record *rec = frmi_importer_record(r.im, k);
            assert_int_equal(rec->tier, FRM_TIER_EDGE);
            assert_true(rec->latency_ms.median > 0);
            assert_true(isnan(rec->memory_mb.peak) ||
                        rec->memory_mb.peak >= rec->memory_mb.peak_lower);
        }
        tu_import_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(older_layout),  cmocka_unit_test(newer_layout),
        cmocka_unit_test(resolutions),   cmocka_unit_test(bad_input),
        cmocka_unit_test(shared_releases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
