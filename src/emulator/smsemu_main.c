/* placeholder until the emulator lands */
#include <stdio.h>
int main(void) { fputs("smsemu: not built yet\n", stderr); return 1; }
