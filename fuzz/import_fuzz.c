/*
 * fuzz/import_fuzz.c - libFuzzer target: bytes -> one of frm import's
 * parsers -> records.  The first byte picks the format ('0' timm, '1'
 * tflite, '2' ort-perf, '3' csv, '4' aihub, '5' ncnn; others by their
 * value modulo 6) and whether bad rows are skipped; the rest is the file.
 * For aihub a form feed separates perf.yaml from info.yaml, and a second
 * one info.yaml from devices_and_chipsets.yaml.  Any input must
 * give records or an error, never a crash, a leak or a hang, and every
 * record it gives must be one that frm writes (the writer reads each
 * line back).
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { N_PARSERS = 6, AIHUB = 4 };

static const frmi_import_fn parsers[N_PARSERS] = {frmi_import_timm, frmi_import_tflite,
                                                  frmi_import_ort_perf, frmi_import_table,
                                                  NULL, frmi_import_ncnn};

/* perf.yaml, then info.yaml and devices_and_chipsets.yaml after form feeds. */
static frm_code import_aihub(frmi_importer *im, char *text, size_t len, frm_error *err)
{
    char *part[3] = {text, NULL, NULL};
    size_t n = 1;
    for (char *p = text; n < 3 && (p = memchr(p, '\f', len - (size_t)(p - text))); ) {
        *p++ = '\0';
        part[n++] = p;
    }
    size_t part_len[3];
    for (size_t i = 0; i < 3; i++)
        part_len[i] = part[i] ? strlen(part[i]) : 0;
    return frmi_import_aihub_text(im, "qai_hub_models/models/fuzz/perf.yaml", part[0], part_len[0],
                                  part[1], part_len[1], part[2], part_len[2], err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned selector = data[0] >= '0' && data[0] <= '9' ? (unsigned)(data[0] - '0') : data[0];
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';

    frmi_import_options o;
    memset(&o, 0, sizeof o);
    o.batch = o.params = o.memory_mb = NAN;
    o.macs = 1e9;                  /* models outside the zoo become records too */
    o.device = "fuzz-device";
    o.skip_bad = (selector / N_PARSERS) % 2 == 1;
    frmi_importer *im = NULL;
    frm_error err;
    unsigned format = selector % N_PARSERS;
    if (frmi_importer_new(&o, NULL, NULL, &im, &err) == FRM_OK &&
        (format == AIHUB ? import_aihub(im, text, size - 1, &err)
                         : parsers[format](im, "benchmark-infer-fp32-nchw-pt240-cpu-fuzz.csv", text,
                                           size - 1, &err)) == FRM_OK &&
        frmi_importer_finish(im, &err) == FRM_OK) {
        FILE *sink = fopen("/dev/null", "w");
        if (sink) {
            if (frmi_importer_write(im, sink, &err) != FRM_OK)
                abort();           /* a record frm cannot read back */
            fclose(sink);
        }
    }
    frmi_importer_free(im);
    free(text);
    return 0;
}
