/*
 * bench/host_json.h - the host object, as `frm info --format json` and
 * every record's "host" field write it.
 */
#ifndef FRM_BENCH_HOST_JSON_H
#define FRM_BENCH_HOST_JSON_H

#include "frm/host.h"
#include "util/jsonw.h"

/* Writes `h` as one JSON object, keys sorted. */
void frmi_host_write_json(frmi_jsonw *w, const frm_host *h);

#endif
