/*
 * frm/frm.h - libfrm in one include: version, errors, records, metric,
 * statistics, model profiles, the model zoo, measurement, host and
 * runtime information.
 */
#ifndef FRM_FRM_H
#define FRM_FRM_H

#include "frm/bench.h"
#include "frm/error.h"
#include "frm/host.h"
#include "frm/metric.h"
#include "frm/profile.h"
#include "frm/record.h"
#include "frm/stats.h"
#include "frm/version.h"
#include "frm/zoo.h"

#endif
