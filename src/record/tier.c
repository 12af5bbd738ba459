/*
 * record/tier.c - hardware tier names.
 */
#include <string.h>

#include "frm/record.h"

const char *frm_tier_name(frm_tier tier)
{
    switch (tier) {
    case FRM_TIER_GPU: return "gpu";
    case FRM_TIER_CPU: return "cpu";
    case FRM_TIER_EDGE: return "edge";
    case FRM_TIER_UNKNOWN: break;
    }
    return "unknown";
}

frm_tier frm_tier_parse(const char *name)
{
    if (!name)
        return FRM_TIER_UNKNOWN;
    if (strcmp(name, "gpu") == 0)
        return FRM_TIER_GPU;
    if (strcmp(name, "cpu") == 0)
        return FRM_TIER_CPU;
    if (strcmp(name, "edge") == 0)
        return FRM_TIER_EDGE;
    return FRM_TIER_UNKNOWN;
}
