/*
 * record/json.h - between frm_record and its JSON form.
 */
#ifndef FRM_RECORD_JSON_H
#define FRM_RECORD_JSON_H

#include <jansson.h>

#include "frm/record.h"

/*
 * Fills `rec` from the parsed object `obj`, checking every field schema v1
 * defines.  Strings in `rec` point into `obj` except config_json and
 * host_json, which are newly allocated and returned through `config_json`
 * and `host_json` (caller frees; NULL when absent).  On failure returns
 * FRM_E_FIELD with "field 'NAME': what is wrong" in `err` and allocates
 * nothing.
 */
frm_code frmi_record_from_json(json_t *obj, frm_record *rec, char **config_json,
                               char **host_json, frm_error *err);

#endif
