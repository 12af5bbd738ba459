/*
 * onnx/count.h - counting an inferred graph.
 */
#ifndef FRM_ONNX_COUNT_H
#define FRM_ONNX_COUNT_H

#include <stdint.h>

#include "onnx/graph.h"

typedef struct frmi_counts {
    uint64_t params;
    uint64_t weights_bytes;
    uint64_t macs;
    uint64_t flops;
    uint64_t activations;
    uint64_t peak_bytes;
} frmi_counts;

/*
 * Sets each known node's macs and flops and the graph totals.  A node whose
 * counts overflow 64 bits becomes unknown.  FRM_E_NOMEM is the only failure.
 */
frm_code frmi_graph_count(frmi_graph *g, frmi_counts *out, frm_error *err);

#endif
