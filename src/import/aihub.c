/* placeholder: replaced by the aihub importer */
#include "import/import.h"

frm_code frmi_import_aihub(frmi_importer *im, const char *path, frm_error *err)
{
    (void)im;
    return frmi_fail(err, FRM_E_ARGUMENT, "%s: aihub import not written yet", path);
}

frm_code frmi_import_aihub_text(frmi_importer *im, const char *perf_path, const char *perf,
                                size_t perf_len, const char *info, size_t info_len,
                                const char *devices, size_t devices_len, frm_error *err)
{
    (void)im; (void)perf; (void)perf_len; (void)info; (void)info_len; (void)devices; (void)devices_len;
    return frmi_fail(err, FRM_E_ARGUMENT, "%s: aihub import not written yet", perf_path);
}
