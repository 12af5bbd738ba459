/*
 * fuzz/import_fuzz.c - libFuzzer target: bytes -> one of frm import's
 * parsers -> records.  The first byte picks the format ('0' timm, '1'
 * tflite, '2' ort-perf, '3' csv; others by their value modulo 4) and
 * whether bad rows are skipped; the rest is the file.  Any input must
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

static const frmi_import_fn parsers[4] = {frmi_import_timm, frmi_import_tflite,
                                          frmi_import_ort_perf, frmi_import_table};

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
    o.skip_bad = (selector / 4) % 2 == 1;
    frmi_importer *im = NULL;
    frm_error err;
    if (frmi_importer_new(&o, NULL, NULL, &im, &err) == FRM_OK &&
        parsers[selector % 4](im, "benchmark-infer-fp32-nchw-pt240-cpu-fuzz.csv", text, size - 1,
                              &err) == FRM_OK &&
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
