/* fuzz_model.c - libFuzzer (or AFL++ via -fsanitize=fuzzer) harness: every input goes
 * through sms_parse for every descriptor in both modes (see fuzz_model_check.h).
 * Build: CC=clang cmake -DSMS_FUZZ=ON ...; run: see tests/fuzz/README.md. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_model_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (sms_fuzz_one_input((const char *)data, size) != 0)
        abort();                    /* an invariant broke: libFuzzer saves the input */
    return 0;
}
