/* fuzz_fault.c - emulator fault specs (--fault, the scenario file, PUT /emulator/faults):
 * the check and the table agree, and a plan for any path can be made from what was added. */
#include "fuzz_util.h"
#include "emulator/emu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *spec = fuzz_cstr(data, size), err[256];
    int checked = smsemu_parse_fault(spec, err, sizeof err);
    emu_faults *f = emu_faults_new(1);
    FUZZ_CHECK(f != NULL);
    int added = emu_faults_add(f, spec, err, sizeof err);
    FUZZ_CHECK((checked == 0) == (added == 0));
    static const char *const paths[] = { "/v3/sources", "/v3/tasks/x/action", "/", "" };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        emu_fault_plan plan;
        emu_faults_plan(f, paths[i], &plan);
    }
    cJSON_Delete(emu_faults_to_json(f));
    emu_faults_free(f);
    free(spec);
    return 0;
}
