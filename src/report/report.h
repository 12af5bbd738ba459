/*
 * report/report.h - the analysis and the selection as text for people and
 * as JSON for tools (docs/analysis.md lists the JSON keys, which are
 * binding).  Everything is built in a buffer, so that a caller writes a
 * whole report or nothing.
 */
#ifndef FRM_REPORT_H
#define FRM_REPORT_H

#include "analysis/analysis.h"
#include "util/jsonw.h"

void frmi_report_analysis_json(const frmi_analysis *a, frmi_buf *out);
void frmi_report_analysis_text(const frmi_analysis *a, frmi_buf *out);

void frmi_report_selection_json(const frmi_selection *s, const frmi_select_options *o,
                                frmi_buf *out);
void frmi_report_selection_text(const frmi_selection *s, const frmi_select_options *o,
                                frmi_buf *out);

#endif
